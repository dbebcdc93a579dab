"""Issue 8: a gate requirement may be a planned date (which may lie in the future); the shipped
"Date the study starts" of the Danish-hurdle kinds becomes one."""

from django.db import migrations, models

PLANNED = ("study-start",)  # shipped requirements whose date is a plan


def plans_are_planned_dates(apps, schema_editor):
    GateRequirement = apps.get_model("networks", "GateRequirement")
    GateRequirement.objects.filter(gate__kind__shipped=True, code__in=PLANNED, type="date").update(type="planned-date")


def plans_are_dates_again(apps, schema_editor):
    GateRequirement = apps.get_model("networks", "GateRequirement")
    GateRequirement.objects.filter(type="planned-date").update(type="date")


class Migration(migrations.Migration):

    dependencies = [
        ('networks', '0002_shipped_definitions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='gaterequirement',
            name='type',
            field=models.CharField(choices=[('document', 'Document (uploaded file or reference)'), ('decision', 'Decision (what was decided, and when)'), ('date', 'Date (of something done: not in the future)'), ('planned-date', 'Planned date (may be in the future)'), ('count', 'Count'), ('condition', 'Condition checked from the records')], max_length=16, verbose_name='type'),
        ),
        migrations.AlterField(
            model_name='historicalgaterequirement',
            name='type',
            field=models.CharField(choices=[('document', 'Document (uploaded file or reference)'), ('decision', 'Decision (what was decided, and when)'), ('date', 'Date (of something done: not in the future)'), ('planned-date', 'Planned date (may be in the future)'), ('count', 'Count'), ('condition', 'Condition checked from the records')], max_length=16, verbose_name='type'),
        ),
        migrations.RunPython(plans_are_planned_dates, plans_are_dates_again),
    ]
