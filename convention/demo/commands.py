"""`flask seed-demo`: the two demo conventions on an empty database."""

from __future__ import annotations

import click

from convention.auth import services as auth_services
from convention.demo import loading
from convention.transaction import in_one_transaction


@click.command("seed-demo")
@in_one_transaction
def seed_demo() -> None:
    """Load the two Montpellier demo conventions if the database is empty, and list the demo
    accounts."""
    if auth_services.count_accounts() == 0:
        loading.load_demo()
        click.echo("Demo conventions loaded: artificial intelligence and mobility.")
    else:
        click.echo("The database already holds data: nothing loaded.")
    click.echo(loading.accounts_table())
