"""Indexes for the search box (see triplec.registry.search).

PostgreSQL: the pg_trgm and unaccent extensions (both "trusted": the database's owner may create them;
otherwise an administrator runs CREATE EXTENSION first and this migration finds them), the IMMUTABLE
fold function and a trigram GIN index over the folded names. SQLite: an FTS5 trigram table of the folded
names and its triggers. Each part is a no-op on the other database. Both: an index on UPPER(national_id).
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

from triplec.registry import search


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for sql in search.postgresql_install_sql(connection):
            schema_editor.execute(sql)
    elif connection.vendor == "sqlite":
        search.install_sqlite_search(connection)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for sql in search.postgresql_uninstall_sql():
            schema_editor.execute(sql)
    elif connection.vendor == "sqlite":
        search.uninstall_sqlite_search(connection)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_importbatch"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(install, uninstall, elidable=False),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(django.db.models.functions.text.Upper("national_id"),
                               name="enterprise_national_id_upper"),
        ),
    ]
