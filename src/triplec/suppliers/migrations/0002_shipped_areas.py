"""The five areas a supplier's diagnostic scores by default (the agency may add or retire areas)."""

from django.db import migrations
from django.utils.translation import gettext_noop

AREAS = [
    ("quality", gettext_noop("Quality")),
    ("delivery", gettext_noop("Delivery")),
    ("cost", gettext_noop("Cost")),
    ("technology", gettext_noop("Technology")),
    ("management", gettext_noop("Management")),
]


def ship(apps, schema_editor):
    Area = apps.get_model("suppliers", "Area")
    for order, (code, name) in enumerate(AREAS, start=1):
        Area.objects.get_or_create(code=code, defaults={"name": name, "order": order, "shipped": True})


def unship(apps, schema_editor):
    apps.get_model("suppliers", "Area").objects.filter(shipped=True).delete()


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
