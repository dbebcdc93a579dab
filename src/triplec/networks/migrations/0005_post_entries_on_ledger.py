"""Post every cost and contribution entry recorded before the shared ledger on it, and link it.

Originals first, then reversals as ledger reversals of their original's transaction, each under the
key `books.ledger_key` makes of the network's own key (the key the services use): rerunning posts
nothing twice, and only entries without a transaction are looked at (`books.post_unposted`). The
recorder stays on the entry (the ledger posting names none: the user model may be ahead of this
migration).
"""

from django.db import migrations

from triplec.networks import books


def post_entries(apps, schema_editor):
    books.post_unposted(apps.get_model("networks", "CostEntry"), apps.get_model("networks", "ContributionEntry"))


def unlink_entries(apps, schema_editor):
    """Backwards: the entries forget their transactions; the ledger keeps them (it is append-only),
    and posting forward again finds them by key."""
    for model_name in ("CostEntry", "ContributionEntry"):
        apps.get_model("networks", model_name).objects.update(ledger_transaction=None)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0002_append_only_triggers"),
        ("networks", "0004_entries_ledger_transaction"),
    ]

    operations = [migrations.RunPython(post_entries, unlink_entries)]
