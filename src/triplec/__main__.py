"""`python -m triplec`: the command line."""

from triplec.cli import app

app(prog_name="triplec")
