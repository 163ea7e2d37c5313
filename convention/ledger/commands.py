"""`flask ledger verify`: check the public ledger as the checker does, from the database."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from convention.ledger import services, verify_ledger

ledger = AppGroup("ledger", help="The public ledger of the conventions' events.")


@ledger.command("verify")
def verify_command() -> None:
    """Recompute the chain and check the guarantors' signatures; exit with 1 at any problem."""
    published = services.as_json()
    problems = verify_ledger.verify_file(published)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo(f"Registre intact : {len(published['entries'])} entrées, tête {published['head']}.")
