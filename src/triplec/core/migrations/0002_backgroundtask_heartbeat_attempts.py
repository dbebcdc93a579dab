from django.db import migrations, models

# Task rows name the task by its module path (django.tasks) instead of a registered short name.
RENAMED = {
    "clusters.mapping_run": "triplec.clusters.tasks.mapping_run",
    "registry.import_check": "triplec.registry.tasks.import_check",
    "registry.import_commit": "triplec.registry.tasks.import_commit",
}


def rename(apps, schema_editor, forward=True):
    BackgroundTask = apps.get_model("core", "BackgroundTask")
    for old, new in RENAMED.items():
        source, target = (old, new) if forward else (new, old)
        BackgroundTask.objects.filter(name=source).update(name=target)


class Migration(migrations.Migration):

    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(model_name="backgroundtask", name="heartbeat_at",
                            field=models.DateTimeField(blank=True, help_text="Last sign of life of its worker.",
                                                       null=True)),
        migrations.AddField(model_name="backgroundtask", name="attempts",
                            field=models.PositiveSmallIntegerField(default=0)),
        migrations.AlterField(model_name="backgroundtask", name="name",
                              field=models.CharField(help_text="Module path of the task (django.tasks).",
                                                     max_length=100)),
        migrations.RunPython(rename, lambda apps, editor: rename(apps, editor, forward=False)),
    ]
