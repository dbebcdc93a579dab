"""National identifiers move to their stored form (triplec.registry.identifiers): "11.222.333/0001-81"
becomes 11222333000181, so the unique constraint on (country, national_id) holds after normalisation.

No row is deleted or merged, and none is changed silently:
* a row whose identifier is already taken in its stored form by another row (the same firm entered
  twice, once with punctuation) keeps its identifier as written, and is reported as a probable
  duplicate of that row for a person to merge;
* a row whose identifier fails its country's check (an invalid CNPJ) keeps it as written, and is
  reported for a person to correct (it is refused at its next edit until then);
* every changed row gets a history record ("identifier normalised").
The report is printed by `migrate` (and `triplec migrate`).
"""

from django.db import migrations
from django.utils import timezone

from triplec.registry.identifiers import IdentifierError, normalise

REASON = "identifier normalised (migration 0005)"


def _history_row(historical, row, when):
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields
              if f.attname != "search_names" and hasattr(historical, f.attname)}
    return historical(**values, history_date=when, history_type="~", history_change_reason=REASON)


def _normalise_model(apps, model_name: str, unique: bool, report: list[str]) -> None:
    model = apps.get_model("registry", model_name)
    historical = apps.get_model("registry", f"Historical{model_name}")
    rows = list(model.objects.order_by("id"))
    holders = {(r.country, r.national_id): r.pk for r in rows}
    when = timezone.now()
    changed, history = [], []
    for row in rows:
        try:
            stored = normalise(row.country, row.national_id)
        except IdentifierError as exc:
            report.append(f"  {model_name} #{row.pk} {row.country} {row.national_id!r}: kept as written, "
                          f"{exc.reason}: correct it")
            continue
        if stored == row.national_id:
            continue
        holder = holders.get((row.country, stored))
        if unique and holder is not None:
            report.append(f"  {model_name} #{row.pk} {row.country} {row.national_id!r}: kept as written, "
                          f"probably the same firm as #{holder} ({stored}): merge them")
            continue
        if unique:
            holders.pop((row.country, row.national_id), None)
            holders[(row.country, stored)] = row.pk
        row.national_id = stored
        changed.append(row)
        history.append(_history_row(historical, row, when))
    model.objects.bulk_update(changed, ["national_id"], batch_size=500)
    historical.objects.bulk_create(history, batch_size=500)
    if changed:
        report.append(f"  {model_name}: {len(changed)} identifiers normalised")


def forwards(apps, schema_editor):
    report: list[str] = []
    _normalise_model(apps, "Enterprise", True, report)
    _normalise_model(apps, "Organisation", False, report)
    if report:
        print("\nregistry 0005, national identifiers:\n" + "\n".join(report))


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_clean_undecodable_import_text"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
