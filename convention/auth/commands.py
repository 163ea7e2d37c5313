"""`flask create-admin`: the first administrator of a new site."""

from __future__ import annotations

import click

from convention.auth import services
from convention.auth.models import Role
from convention.errors import ConventionError
from convention.transaction import in_one_transaction


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administration", show_default=True, help="Displayed name.")
@click.password_option(help="Asked for twice when not given.")
@in_one_transaction
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (email already confirmed)."""
    try:
        user = services.create_account(email, name, password, role=Role.ADMIN, confirmed=True)
    except ConventionError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Administrator {user.email} created.")
