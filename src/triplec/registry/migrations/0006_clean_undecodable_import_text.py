"""Replace lone surrogates (undecodable bytes that imports kept before they refused them) in the JSON
columns of uploads, so their pages open and backups run. `triplec doctor` does the same for every model.
Also: an upload keeps the decimal separator chosen for its numbers ("" = the file's convention)."""

from django.db import migrations, models


def clean(apps, schema_editor):
    from triplec.core.doctor import clean_model

    clean_model(apps.get_model("registry", "ImportBatch"), ["mapping", "defaults", "preview", "result"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_register_datasets")]

    operations = [
        migrations.RunPython(clean, migrations.RunPython.noop),
        migrations.AddField(
            model_name="importbatch",
            name="decimal_separator",
            field=models.CharField(blank=True, max_length=1, verbose_name="decimal separator"),
        ),
    ]
