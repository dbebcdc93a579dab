"""The models and the migrations agree: moving models between modules (networks/models/ is a package)
or changing a field without its migration is caught here, not at the next deploy."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_new_migration(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations would write migrations (exit {exit_.code}):\n{capsys.readouterr().out}")
