"""Command-line tasks: `flask create-admin`, `flask seed-demo`, `flask translate ...`."""
from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask, current_app

from convention import background
from convention.assembly import demo
from convention.auth import services as auth_services
from convention.auth.models import Role, User
from convention.clock import utcnow
from convention.discussion import digest
from convention.config import PROJECT_ROOT
from convention.errors import ConventionError
from convention.extensions import db
from convention.mail import send_email

TRANSLATIONS = PROJECT_ROOT / "convention" / "translations"


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(translate)
    app.cli.add_command(send_digests)
    app.cli.add_command(worker)


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administration", show_default=True, help="Displayed name.")
@click.password_option(help="Asked for twice when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (email already confirmed)."""
    try:
        user = auth_services.create_account(email, name, password, role=Role.ADMIN,
                                            confirmed=True)
    except ConventionError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the Montpellier demo convention if the database is empty, and list its accounts."""
    if auth_services.count_accounts() == 0:
        demo.load_demo()
        db.session.commit()
        click.echo("Demo convention loaded.")
    else:
        click.echo("The database already holds data: nothing loaded.")
    click.echo(demo.accounts_table())


@click.command("send-digests")
def send_digests() -> None:
    """Email each follower the day's new comments and their notifications (run daily)."""
    now = utcnow()
    sent = 0
    base_url = current_app.config["BASE_URL"]
    with background.at_public_address():
        for user_id, content in digest.pending_digests(now).items():
            user = db.session.get(User, user_id)
            subject, body = digest.compose(user, content, base_url)
            send_email(user.email, subject, body)
            digest.mark_sent(user_id, content, now)
            # One commit per email: a failure later never sends anyone the same digest twice.
            db.session.commit()
            sent += 1
    click.echo(f"{sent} digest(s) sent.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run background jobs: report exports and member selections (needs REDIS_URL)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException("REDIS_URL is not set: jobs run in the request instead.")
    background.work(redis_url, burst=burst)


@click.group()
def translate() -> None:
    """Extract, update and compile the message catalogues."""


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True,
                   cwd=PROJECT_ROOT)


@translate.command("update")
def translate_update() -> None:
    """Extract messages and merge them into every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", "messages.pot", ".")
    _pybabel("update", "-i", "messages.pot", "-d", str(TRANSLATIONS), "--no-fuzzy-matching")
    (PROJECT_ROOT / "messages.pot").unlink()


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues (`make` does this on install)."""
    _pybabel("compile", "-d", str(TRANSLATIONS))
