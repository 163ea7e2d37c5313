"""The site's own commands: `flask translate ...`. Each feature registers its commands in its
`init_app` (`flask create-admin`, `seed-demo`, `send-digests`, `worker`, `sortition ...`)."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask

from convention.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "convention" / "translations"


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)


@click.group()
def translate() -> None:
    """Extract, update and compile the message catalogues."""


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT
    )


@translate.command("update")
def translate_update() -> None:
    """Extract messages and merge them into every catalogue."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        "messages.pot",
        ".",
    )
    _pybabel("update", "-i", "messages.pot", "-d", str(TRANSLATIONS), "--no-fuzzy-matching")
    (PROJECT_ROOT / "messages.pot").unlink()


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues (`make` does this on install)."""
    _pybabel("compile", "-d", str(TRANSLATIONS))
