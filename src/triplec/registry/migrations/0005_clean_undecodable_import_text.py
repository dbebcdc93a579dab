"""Replace lone surrogates (undecodable bytes that imports kept before they refused them) in the JSON
columns of uploads, so their pages open and backups run. `triplec doctor` does the same for every model."""

from django.db import migrations


def clean(apps, schema_editor):
    from triplec.core.doctor import clean_model

    clean_model(apps.get_model("registry", "ImportBatch"), ["mapping", "defaults", "preview", "result"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_enterprise_search_names")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
