"""Shipped ISIC Rev.4, NACE Rev.2 and NAICS 2017 code lists and the code normaliser.

Expected counts are the official ones published by UNSD, Eurostat and the US Census Bureau; labels are
checked against the official wording; NAF codes of a real French register and the NAICS codes of the
U.S. Cluster Mapping crosswalk are checked against the lists.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triplec.mapping.codes import (
    CODELISTS,
    ancestors,
    code_level,
    label,
    levels,
    load_codelist,
    normalise_code,
)

pytestmark = pytest.mark.nodb

ROOT = Path(__file__).resolve().parents[2]
IREP = ROOT / "src/triplec/registry/data/irep_france_facilities_etablissements.csv"
CROSSWALK = ROOT / "src/triplec/mapping/data/uscm_naics_to_cluster_crosswalk.csv"
CBP = ROOT / "tests/data/cbp2021_county_x_naics_38states.parquet"

OFFICIAL_COUNTS = {
    "isic4": {"section": 21, "division": 88, "group": 238, "class": 419},
    "nace2": {"section": 21, "division": 88, "group": 272, "class": 615},
    "naics2017": {
        "sector": 20,
        "subsector": 99,
        "industry_group": 311,
        "industry": 709,
        "national_industry": 1057,
    },
}


@pytest.mark.parametrize("name", sorted(OFFICIAL_COUNTS))
def test_counts_per_level_are_the_official_ones(name):
    frame = load_codelist(name)
    assert list(frame.columns) == ["code", "label", "level", "parent"]
    assert frame.level.value_counts().to_dict() == OFFICIAL_COUNTS[name]
    assert frame.code.is_unique
    assert (frame.label.str.len() > 0).all()
    assert (frame.label == frame.label.str.strip()).all()


@pytest.mark.parametrize("name", sorted(OFFICIAL_COUNTS))
def test_parent_links_point_one_level_up(name):
    frame = load_codelist(name)
    order = levels(name)
    level_of = dict(zip(frame.code, frame.level, strict=True))
    top = frame[frame.level == order[0]]
    assert (top.parent == "").all()
    rest = frame[frame.level != order[0]]
    for code, lvl, parent in zip(rest.code, rest.level, rest.parent, strict=True):
        assert parent in level_of, f"{name} {code}: parent {parent!r} missing"
        assert order.index(level_of[parent]) == order.index(lvl) - 1, f"{name} {code} -> {parent}"


@pytest.mark.parametrize("name", ["isic4", "nace2"])
def test_isic_and_nace_codes_have_the_shape_of_their_level(name):
    frame = load_codelist(name)
    dotted = name == "nace2"
    shapes = {
        "section": r"[A-U]",
        "division": r"\d{2}",
        "group": r"\d{2}\.\d" if dotted else r"\d{3}",
        "class": r"\d{2}\.\d{2}" if dotted else r"\d{4}",
    }
    for lvl, pattern in shapes.items():
        codes = frame.code[frame.level == lvl]
        assert codes.str.fullmatch(pattern).all(), lvl
    # below the section, a code starts with its parent's digits
    below = frame[frame.level.isin(["group", "class"])]
    assert all(c.startswith(p) for c, p in zip(below.code, below.parent, strict=True))


def test_naics_codes_extend_their_parent_and_ranges_hold_their_subsectors():
    frame = load_codelist("naics2017")
    assert set(frame.code[frame.level == "sector"]) == {
        "11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55",
        "56", "61", "62", "71", "72", "81", "92",
    }  # fmt: skip
    deep = frame[~frame.level.isin(["sector", "subsector"])]
    assert all(c[:-1] == p for c, p in zip(deep.code, deep.parent, strict=True))
    subsectors = frame[frame.level == "subsector"]
    for code, parent in zip(subsectors.code, subsectors.parent, strict=True):
        first, last = (parent.split("-") + [parent])[:2]
        assert first <= code[:2] <= last, (code, parent)
    assert sorted(frame.code[frame.parent == "31-33"]) == [
        "311", "312", "313", "314", "315", "316", "321", "322", "323", "324", "325", "326", "327",
        "331", "332", "333", "334", "335", "336", "337", "339",
    ]  # fmt: skip


def test_isic_and_nace_share_sections_and_divisions():
    # NACE Rev.2 is derived from ISIC Rev.4: identical sections and divisions (only spelling differs)
    isic, nace = load_codelist("isic4"), load_codelist("nace2")
    top = ["section", "division"]
    assert list(isic.code[isic.level.isin(top)]) == list(nace.code[nace.level.isin(top)])
    same_label = isic.set_index("code").label.str.replace("organizations", "organisations")
    sections = nace[nace.level == "section"]
    assert all(same_label[c] == lab for c, lab in zip(sections.code, sections.label, strict=True))


@pytest.mark.parametrize(
    ("system", "code", "official"),
    [
        # UNSD ISIC Rev.4 structure
        ("isic4", "C", "Manufacturing"),
        ("isic4", "21", "Manufacture of basic pharmaceutical products and pharmaceutical preparations"),
        ("isic4", "2100", "Manufacture of pharmaceuticals, medicinal chemical and botanical products"),
        ("isic4", "0111", "Growing of cereals (except rice), leguminous crops and oil seeds"),
        ("isic4", "2511", "Manufacture of structural metal products"),
        ("isic4", "9601", "Washing and (dry-) cleaning of textile and fur products"),
        # Eurostat NACE Rev.2
        ("nace2", "25.11", "Manufacture of metal structures and parts of structures"),
        ("nace2", "15.20", "Manufacture of footwear"),
        ("nace2", "16.10", "Sawmilling and planing of wood"),
        ("nace2", "62.01", "Computer programming activities"),
        (
            "nace2",
            "T",
            "Activities of households as employers; undifferentiated goods- and "
            "services-producing activities of households for own use",
        ),
        # US Census 2017 NAICS
        ("naics2017", "332710", "Machine Shops"),
        ("naics2017", "3327", "Machine Shops; Turned Product; and Screw, Nut, and Bolt Manufacturing"),
        ("naics2017", "31-33", "Manufacturing"),
        ("naics2017", "11211", "Beef Cattle Ranching and Farming, including Feedlots"),
        ("naics2017", "111110", "Soybean Farming"),
        ("naics2017", "334412", "Bare Printed Circuit Board Manufacturing"),
        ("naics2017", "721310", "Rooming and Boarding Houses, Dormitories, and Workers' Camps"),
        ("naics2017", "928120", "International Affairs"),
    ],
)
def test_labels_match_official_wording(system, code, official):
    assert label(system, code) == official


def test_naics_labels_agree_with_county_business_patterns():
    # CBP publishes its own (lower-case, sometimes shortened) titles for the codes it covers
    cbp = pd.read_parquet(CBP, columns=["naics2017", "naics_label"]).drop_duplicates()
    cbp = cbp[~cbp.naics2017.isin(["00", "99"])]  # CBP's own totals, not NAICS codes
    naics = load_codelist("naics2017").set_index("code").label
    assert set(cbp.naics2017) <= set(naics.index)

    def key(text):
        return text.strip().lower().replace("\u2019", "'").replace(" - ", "-")

    differing = {
        c for c, lab in zip(cbp.naics2017, cbp.naics_label, strict=True) if key(naics[c]) != key(lab)
    }
    # CBP's abbreviated titles; everything else must match the official titles word for word
    assert differing == {"3252", "31135", "333924", "334515", "331491", "4237", "7213", "72131", "721310"}
    assert len(cbp) > 1900


def test_every_irep_naf_code_normalises_to_a_nace_class():
    codes = pd.read_csv(IREP, dtype=str, usecols=["Code_APE"]).Code_APE.str.strip()
    assert codes.notna().all()
    nace = load_codelist("nace2").set_index("code").level
    failures = {}
    for raw in sorted(set(codes)):
        try:
            code = normalise_code("nace2", raw)
        except ValueError as err:
            failures[raw] = str(err)
            continue
        assert nace[code] == "class", raw
        assert code.replace(".", "") == raw[:4]
    assert failures == {}
    assert codes.nunique() > 400
    assert normalise_code("nace2", "0111Z") == "01.11"  # present in the register; it is a real class


def test_every_crosswalk_naics_code_is_in_naics_2017_except_emsi_pseudo_codes():
    crosswalk = pd.read_csv(CROSSWALK, dtype=str)
    known = set(load_codelist("naics2017").code)
    missing = crosswalk[~crosswalk.naics.isin(known)]
    # Emsi's own codes: aggregated agriculture, rail, and federal/state/local government
    assert set(missing.naics) == {
        "111000", "112000", "482110", "901149", "901199", "901200", "902611", "902612", "902619",
        "902622", "902999", "903611", "903612", "903619", "903622", "903999",
    }  # fmt: skip
    assert (missing.emsi_specific_naics == "True").all()
    real = crosswalk[crosswalk.naics.isin(known)]
    assert len(real) == 976
    assert all(code_level("naics2017", c) == "national_industry" for c in real.naics)


@pytest.mark.parametrize(
    ("system", "raw", "canonical"),
    [
        ("nace2", "25.11", "25.11"),
        ("nace2", "2511", "25.11"),
        ("nace2", "C25.11", "25.11"),
        ("nace2", "c 2511", "25.11"),
        ("nace2", "C-25.11", "25.11"),
        ("nace2", "2511Z", "25.11"),
        ("nace2", "25.11z", "25.11"),
        ("nace2", " 0111Z ", "01.11"),
        ("nace2", "1.11", "01.11"),
        ("nace2", "25.1", "25.1"),
        ("nace2", "251", "25.1"),
        ("nace2", "25", "25"),
        ("nace2", "c", "C"),
        ("nace2", 2511, "25.11"),
        ("isic4", "2511", "2511"),
        ("isic4", "C2511", "2511"),
        ("isic4", "C 2511", "2511"),
        ("isic4", "25.11", "2511"),
        ("isic4", "251", "251"),
        ("isic4", "A", "A"),
        ("naics2017", "332710", "332710"),
        ("naics2017", 332710, "332710"),
        ("naics2017", "332710.0", "332710"),
        ("naics2017", 332710.0, "332710"),
        ("naics2017", "3327", "3327"),
        ("naics2017", "33", "31-33"),
        ("naics2017", "31", "31-33"),
        ("naics2017", "45", "44-45"),
        ("naics2017", "49", "48-49"),
        ("naics2017", "31-33", "31-33"),
        ("naics2017", "48 - 49", "48-49"),
        ("naics2017", "11", "11"),
    ],
)
def test_normalise_code_accepts_common_written_forms(system, raw, canonical):
    assert normalise_code(system, raw) == canonical


@pytest.mark.parametrize(
    ("system", "raw", "message"),
    [
        ("nace2", "25.98", "not in the official NACE Rev.2 code list"),
        ("nace2", "A25.11", "belongs to section C, not A"),
        ("nace2", "25.111", "not a recognised form"),
        ("nace2", "2511ZZ", "not a recognised form"),
        ("nace2", "251Z", "not a recognised form"),
        ("nace2", "", "empty"),
        ("nace2", "   ", "empty"),
        ("nace2", None, "must be text"),
        ("nace2", 25.11, "fractional number"),
        ("nace2", "V", "not a recognised form"),
        ("isic4", "2598", "not in the official ISIC Rev.4 code list"),
        ("isic4", "B2511", "belongs to section C, not B"),
        ("isic4", "25110", "not a recognised form"),
        ("naics2017", "999999", "not in the official NAICS 2017 code list"),
        ("naics2017", "1", "not a recognised form"),
        ("naics2017", "3327100", "not a recognised form"),
        ("naics2017", "31-34", "not in the official NAICS 2017 code list"),
        ("naics2017", "abc", "not a recognised form"),
        ("naics2017", True, "must be text"),
        ("sic1987", "2511", "unknown code list 'sic1987'"),
    ],
)
def test_normalise_code_rejects_bad_input_with_a_clear_message(system, raw, message):
    with pytest.raises(ValueError, match=message) as err:
        normalise_code(system, raw)
    if system in CODELISTS and raw is not None and str(raw).strip():
        assert repr(raw) in str(err.value)  # the message names the offending value


def test_ancestors_list_every_level_above_from_the_top():
    assert ancestors("nace2", "25.11") == ("C", "25", "25.1")
    assert ancestors("nace2", "2511Z") == ("C", "25", "25.1")
    assert ancestors("nace2", "25") == ("C",)
    assert ancestors("nace2", "C") == ()
    assert ancestors("isic4", "2511") == ("C", "25", "251")
    assert ancestors("naics2017", "332710") == ("31-33", "332", "3327", "33271")
    assert ancestors("naics2017", "441110") == ("44-45", "441", "4411", "44111")
    assert ancestors("naics2017", "11") == ()


@pytest.mark.parametrize("name", sorted(OFFICIAL_COUNTS))
def test_ancestors_and_levels_are_consistent_for_every_code(name):
    frame = load_codelist(name)
    order = levels(name)
    for code, lvl in zip(frame.code, frame.level, strict=True):
        chain = ancestors(name, code)
        assert len(chain) == order.index(lvl)
        assert [code_level(name, c) for c in chain] == list(order[: len(chain)])
        assert code_level(name, code) == lvl


def test_code_level_names():
    assert code_level("nace2", "C") == "section"
    assert code_level("nace2", "251") == "group"
    assert code_level("isic4", "2511") == "class"
    assert code_level("naics2017", "33") == "sector"
    assert code_level("naics2017", "33271") == "industry"
    assert code_level("naics2017", "332710") == "national_industry"


def test_load_codelist_returns_an_independent_copy():
    first = load_codelist("nace2")
    first.loc[0, "label"] = "changed"
    first.drop(first.index, inplace=True)
    again = load_codelist("nace2")
    assert len(again) == 996
    assert again.loc[0, "label"] == "Agriculture, forestry and fishing"
    assert label("nace2", "A") == "Agriculture, forestry and fishing"


def test_unknown_code_list_name_is_rejected():
    with pytest.raises(ValueError, match="expected one of isic4, nace2, naics2017"):
        load_codelist("nace")


# ----------------------------------------------------------------------------- Portuguese and Spanish titles

CODELISTS_DIR = ROOT / "src/triplec/mapping/data/codelists"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(CODELISTS_DIR / name, dtype=str, keep_default_na=False)


# Deliberate differences from CNAE 2.0's wording. IBGE prints sections and divisions in capitals (compared
# ignoring case), and CNAE 2.0 (2007) predates the 2009 orthographic agreement, whose spelling we use:
SPELLING_2009 = {
    "aqüicultura": "aquicultura", "liqüefeito": "liquefeito", "eqüinos": "equinos",
    "infra-estrutura": "infraestrutura", "mão-de-obra": "mão de obra", "semi-acabados": "semiacabados",
    "obras-de-arte": "obras de arte", "câmaras-de-ar": "câmaras de ar",
    "não-alcoólicas": "não alcoólicas", "não-alimentar": "não alimentar", "não-comestíveis": "não comestíveis",
    "não-customizáveis": "não customizáveis", "não-especializado": "não especializado",
    "não-ferrosos": "não ferrosos", "não-financeiras": "não financeiras", "não-financeiros": "não financeiros",
    "não-imobiliários": "não imobiliários", "não-metálicos": "não metálicos", "não-monetária": "não monetária",
    "não-motorizados": "não motorizados", "não-perigosos": "não perigosos", "não-refratários": "não refratários",
    "não-regular": "não regular", "não-vida": "não vida",
}  # fmt: skip
# ISIC division 98 has no CNAE division: its Portuguese title is ours (a translation of the ISIC title).
PT_NOT_IN_CNAE = {"98"}


def _cnae_wording_today(text: str) -> str:
    words = []
    for word in text.lower().split(" "):
        core = word.rstrip(",;")
        words.append(SPELLING_2009.get(core, core) + word[len(core):])
    return " ".join(words)


def test_cnae_and_ciiu_lists_have_their_official_structure():
    cnae = _csv("cnae_2_0.csv")
    # IBGE counts 673 classes; the copy read lacks 64.38-7 (see the codelists README)
    assert cnae.level.value_counts().to_dict() == {"class": 672, "group": 285, "division": 87, "section": 21}
    shapes = {"section": r"[A-U]", "division": r"\d{2}", "group": r"\d{2}\.\d", "class": r"\d{2}\.\d{2}-\d"}
    for lvl, pattern in shapes.items():
        assert cnae.code[cnae.level == lvl].str.fullmatch(pattern).all(), lvl
    isic = load_codelist("isic4")
    assert set(cnae.code[cnae.level.isin(["section", "division"])]) == set(
        isic.code[isic.level.isin(["section", "division"])]) - {"98"}
    ciiu = _csv("ciiu_rev4_es.csv")
    assert ciiu[["code", "level", "parent"]].equals(isic[["code", "level", "parent"]])
    assert ciiu.set_index("code").label["1610"] == "Aserrado y acepilladura de madera"
    pairs = _csv("cnae_2_0_isic4.csv")
    assert set(pairs.cnae) <= set(cnae.code[cnae.level == "class"])
    assert set(pairs.isic4) <= set(isic.code[isic.level == "class"])
    official_pairs = set(zip(pairs.cnae, pairs.isic4, strict=True))
    assert {("01.15-6", "0111"), ("16.10-2", "1610"), ("25.11-0", "2511")} <= official_pairs


def test_every_spanish_title_is_the_ciiu_wording():
    official = _csv("ciiu_rev4_es.csv").set_index("code").label
    shipped = pd.concat([_csv("isic4_nace2_titles.csv"), _csv("isic4_fine_titles.csv")])
    assert len(shipped) == len(official)
    differing = {c: es for c, es in zip(shipped.code, shipped.es, strict=True) if official[c] != es}
    assert differing == {}


def test_every_portuguese_title_is_the_cnae_wording_in_todays_spelling():
    cnae = _csv("cnae_2_0.csv").set_index("code").label
    top = _csv("isic4_nace2_titles.csv")
    fine = _csv("isic4_fine_titles.csv")
    sources = list(zip(top.code, top.code, top.pt_BR, strict=True))
    sources += [(c, source, pt) for c, source, pt in zip(fine.code, fine.pt_BR_from, fine.pt_BR, strict=True)
                if pt]
    differing = {code: pt for code, source, pt in sources
                 if code not in PT_NOT_IN_CNAE and _cnae_wording_today(cnae[source]) != pt.lower()}
    assert differing == {}
    assert set(top.code) - set(cnae.index) == PT_NOT_IN_CNAE
    # sentence case as CNAE writes groups and classes, whatever the case IBGE prints divisions in
    assert (top.pt_BR.str[0].str.isupper() & (top.pt_BR.str[1:] == top.pt_BR.str[1:].str.lower())).all()


def test_a_portuguese_group_or_class_title_comes_from_cnae_codes_that_cover_exactly_that_isic_code():
    """IBGE's correspondence decides: the ISIC class has one CNAE class that maps to it alone, or is split
    into the classes of one whole CNAE group; an ISIC group matches one CNAE group both ways."""
    pairs = _csv("cnae_2_0_isic4.csv")
    classes = _csv("cnae_2_0.csv").query("level == 'class'")
    cnae_of, isic_of = pairs.groupby("isic4").cnae.agg(set), pairs.groupby("cnae").isic4.agg(set)
    group_cnae_of = pairs.assign(g=pairs.isic4.str[:3], cg=pairs.cnae.str[:4]).groupby("g").cg.agg(set)
    group_isic_of = pairs.assign(g=pairs.isic4.str[:3], cg=pairs.cnae.str[:4]).groupby("cg").g.agg(set)
    fine = _csv("isic4_fine_titles.csv")
    expected = {}
    for code in fine.code:
        if len(code) == 4 and code in cnae_of and all(isic_of[c] == {code} for c in cnae_of[code]):
            mapped = cnae_of[code]
            group_classes = set(classes.code[classes.parent == next(iter(mapped))[:4]])
            if len(mapped) == 1:
                expected[code] = next(iter(mapped))
            elif mapped == group_classes:
                expected[code] = next(iter(mapped))[:4]
        elif len(code) == 3 and len(group_cnae_of.get(code, ())) == 1:
            (group,) = group_cnae_of[code]
            if group_isic_of[group] == {code}:
                expected[code] = group
    shipped = {c: source for c, source in zip(fine.code, fine.pt_BR_from, strict=True) if source}
    assert shipped == expected
    assert (len(shipped), len(fine)) == (428, 657)
    assert shipped["1610"] == "16.10-2" and shipped["1010"] == "10.1" and "1629" not in shipped
