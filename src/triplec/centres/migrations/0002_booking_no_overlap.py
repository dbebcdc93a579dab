"""On PostgreSQL the database itself refuses two live bookings of one equipment whose time ranges
overlap (an exclusion constraint over a tstzrange, which needs btree_gist for the equality on the
equipment id). SQLite has no such constraint; it serialises writers and the service checks under a
lock, which the PostgreSQL constraint backs up."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE centres_booking ADD CONSTRAINT centres_booking_no_overlap
    EXCLUDE USING gist (equipment_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (cancelled_at IS NULL);
"""
DROP = "ALTER TABLE centres_booking DROP CONSTRAINT IF EXISTS centres_booking_no_overlap;"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("centres", "0001_initial")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
