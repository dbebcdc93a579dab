"""Install the shipped definitions: funding schedules, evaluation areas and the network kinds with
their lifecycles (Danish hurdles, PROFO, supplier network). Idempotent; a later change to the shipped
definitions comes with a migration that calls the same function again."""

from django.db import migrations


def install(apps, schema_editor):
    from triplec.networks.lifecycle import install_shipped

    install_shipped(apps)


class Migration(migrations.Migration):
    dependencies = [("networks", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
