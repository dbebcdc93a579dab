"""Property tests (Hypothesis): no generated CSV makes the import crash or write partially.

For every generated file (random bytes, random columns and cells, mixtures of good and bad rows,
imported by different roles), exactly one of these holds:
- the preview has no errors, the import succeeds, and every data row is in the register with the
  values of the file (created, updated or unchanged, adding up to the number of rows); or
- the preview has errors, the import raises ImportRejected with the same errors, and the register
  (enterprises, memberships, territories and their history) is exactly as before.
Any other exception fails the test.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triplec.registry.importing import ImportRejected, commit_import, validate_import
from triplec.registry.importing.columns import IMPORT_FIELDS
from triplec.registry.models import Enterprise, Membership, Territory

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HEADER = ["legal_name", "country", "national_id", "sector_classification", "sector_code"]


def snapshot():
    return (
        sorted(Enterprise.objects.values_list(
            "id", "legal_name", "country", "national_id", "sector_code", "employees", "latitude", "longitude",
            "territory_id", "exporter", "email", "website", "updated_at")),
        Enterprise.history.count(),
        sorted(Membership.objects.values_list("enterprise_id", "association_id", "start_date")),
        Membership.history.count(), Territory.objects.count(), Territory.history.count(),
    )


def check_all_or_nothing(actor, data: bytes, **options):
    """The property, inside a savepoint rolled back afterwards so that examples stay independent."""
    with transaction.atomic():
        before = snapshot()
        preview = validate_import(actor, data, **options)
        try:
            result = commit_import(actor, data, **options)
        except ImportRejected as exc:
            assert preview.errors, "the commit refused a file the preview accepted"
            assert exc.preview.errors == preview.errors
            assert snapshot() == before
        else:
            assert preview.ok and result.preview.ok
            assert result.created + result.updated + result.unchanged == preview.rows
            assert Enterprise.objects.count() == len(before[0]) + result.created
            expected = {(r.values["country"], r.values["national_id"]): r.values["legal_name"]
                        for r in _records(actor, data, options)}
            stored = dict(((c, n), name) for c, n, name in Enterprise.objects.filter(
                country__in={c for c, _ in expected}).values_list("country", "national_id", "legal_name"))
            for identifier, name in expected.items():
                assert stored.get(identifier) == name
            # Importing the same file again changes nothing at all.
            after = snapshot()
            again = commit_import(actor, data, **options)
            assert (again.created, again.updated, again.memberships) == (0, 0, 0)
            assert snapshot() == after
        transaction.set_rollback(True)


def _records(actor, data, options):
    from triplec.registry.importing import service

    preview, records, _ = service._parse(data, None, None, options.get("fmt"), options.get("encoding"), None,
                                         None, service._noop)
    return records


# 1. Random bytes, alone or after a valid header ---------------------------------------------------

@PROPERTY_SETTINGS
@given(prefix=st.sampled_from([b"", (",".join(HEADER) + "\n").encode(), b"\xef\xbb\xbf" + ";".join(HEADER).encode()
                               + b"\r\n"]),
       body=st.binary(max_size=600))
def test_random_bytes_never_crash_or_write_partially(world, prefix, body):
    check_all_or_nothing(None, prefix + body, fmt="csv")


# 2. Random columns and random cells ---------------------------------------------------------------

header_names = st.one_of(
    st.sampled_from(IMPORT_FIELDS + ("Company name", "SIRET", "NACE", "lat", "LON", "Région", "size_class", "")),
    st.text(max_size=12),
)
cell_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", "BR", "FR", "isic4", "nace2", "1610", "16.10", "C", "45.5", "-200", "yes", "x@y.org",
                     "1e309", "nan", "'=1+1", '"', "a\nb", "\x00", "Sawmills Assoc", "2024-02-30"]),
)


@PROPERTY_SETTINGS
@given(columns=st.lists(header_names, min_size=1, max_size=8),
       rows=st.lists(st.lists(cell_text, max_size=9), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
def test_random_columns_and_cells_never_crash_or_write_partially(world, columns, rows, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    check_all_or_nothing(None, data, fmt="csv", encoding="latin-1" if encoding == "latin-1" else None)


# 3. Mostly well-formed files mixing good and bad rows, by several roles -----------------------------

names = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=15).filter(str.strip)
GOOD = {  # every combination of these is valid (for the operator)
    "legal_name": st.one_of(names, st.just("Ok Ltda")),
    "trade_name": st.one_of(st.just(""), names),
    "address": st.sampled_from(["", "Rua 1\nBloco B", "'=formula-looking"]),
    "postal_code": st.sampled_from(["", "62000-000"]),
    "phone": st.sampled_from(["", "+55 85 1234"]),
    "country": st.sampled_from(["BR", "br", " BR"]),  # identifiers below are CNPJs
    "sector_classification": st.sampled_from(["isic4", "nace2", "NACE Rev.2"]),
    "sector_code": st.sampled_from(["1610", "C1610", "16.10", "3100", "2511"]),
    "employees": st.sampled_from(["", "12", "250", "3.0"]),
    "founding_year": st.sampled_from(["", "1987", "2001.0"]),
    "exporter": st.sampled_from(["", "yes", "no"]),
    "email": st.sampled_from(["", "info@firm.com.br"]),
    "website": st.sampled_from(["", "www.firm.com.br"]),
    "association": st.sampled_from(["", "Sawmills Assoc", "Shoe Assoc", "Sawmills Assoc; Shoe Assoc"]),
    "membership_start": st.sampled_from(["", "2024-01-01"]),
}
GOOD_GROUPS = {  # fields that are only valid together
    ("latitude", "longitude"): [("", ""), ("-4.3", "-38.9"), ("45.5", "4.85")],
    ("region_code", "region_name", "municipality_code", "municipality_name"): [
        ("", "", "", ""), ("CE", "Ceará", "", ""), ("RS", "Rio Grande do Sul", "4314902", "Porto Alegre"),
        ("", "", "2301950", "")],
}
BAD = {
    "legal_name": ["", "bad\x00name", "x" * 201], "country": ["Brazil", "", "B1"], "national_id": ["", "   ", "12.345.678/0001-00"],
    "sector_classification": ["sic", ""], "sector_code": ["9999", "25.1x", ""], "employees": ["-1", "abc", "1e3x"], "founding_year": ["1200", "19x7"],
    "latitude": ["95", "north", "45,5"], "longitude": ["-181", "east"], "exporter": ["maybe"], "email": ["not-an-email"],
    "website": ["http://bad host"], "region_code": ["X" * 40], "municipality_name": ["Nowhere"],
    "association": ["Ghost Assoc"], "membership_start": ["2024-13-01", "01/02/2024"],
}
ID_POOL = ["00000001000136", "00000002000180", "00000003000125", "00000004000170", "00000005000114", "00000006000169", "00000007000103", "00000008000158", "11.111.111/0001-91", "22.222.222/0001-91",
           "33.333.333/0001-91", "44.444.444/0001-91"]  # the last four are in the register already
OPTIONAL = [f for f in IMPORT_FIELDS if f not in HEADER]
assert set(IMPORT_FIELDS) == set(GOOD) | {f for group in GOOD_GROUPS for f in group} | {"national_id"}


@st.composite
def mixed_files(draw):
    """CSV files of 1-12 rows, each row valid or with one bad value; some duplicate identifiers,
    sometimes a required column missing."""
    extra = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    for group in GOOD_GROUPS:  # keep the columns of a group together
        if any(f in extra for f in group):
            extra = [f for f in extra if f not in group] + list(group)
    columns = HEADER + extra
    if draw(st.integers(0, 9)) == 0:
        columns.remove(draw(st.sampled_from(HEADER)))
    columns = list(draw(st.permutations(columns)))
    n = draw(st.integers(1, 12))
    ids = draw(st.lists(st.sampled_from(ID_POOL), unique=True, min_size=n, max_size=n))
    if n > 1 and draw(st.integers(0, 4)) == 0:
        ids[-1] = ids[0]  # a duplicate identifier
    bad_share = draw(st.sampled_from([0.0, 0.0, 0.2, 0.5]))
    rows = []
    for national_id in ids:
        row = {"national_id": national_id}
        for field, strategy in GOOD.items():
            row[field] = draw(strategy)
        for group, choices in GOOD_GROUPS.items():
            row.update(zip(group, draw(st.sampled_from(choices)), strict=True))
        if draw(st.floats(0, 1)) < bad_share:
            field = draw(st.sampled_from([f for f in columns if f in BAD]))
            row[field] = draw(st.sampled_from(BAD[field]))
        rows.append({c: row[c] for c in columns})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@PROPERTY_SETTINGS
@given(data=mixed_files(), role=st.sampled_from([None, "programme-officer", "association-manager"]))
def test_mixed_good_and_bad_rows_never_crash_or_write_partially(world, data, role):
    actor = world.users[role] if role else None
    check_all_or_nothing(actor, data, fmt="csv")


def test_the_mixed_generator_yields_both_valid_and_invalid_files(world):
    """Guard against a vacuous property: both branches of the property are exercised."""
    outcomes = []

    @PROPERTY_SETTINGS
    @given(data=mixed_files())
    def collect(data):
        outcomes.append(validate_import(None, data).ok)

    collect()
    assert any(outcomes) and not all(outcomes)
