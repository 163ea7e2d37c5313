"""The site's own commands: `flask translate ...`. Each feature registers its commands in its
`init_app` (`flask create-admin`, `seed-demo`, `send-digests`, `worker`, `sortition ...`)."""

from __future__ import annotations

import subprocess
import sys

import click
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
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
    pot = PROJECT_ROOT / "messages.pot"
    with pot.open("rb") as handle:
        write_french_plurals(read_po(handle))
    _pybabel(
        "update", "-i", "messages.pot", "-d", str(TRANSLATIONS), "-l", "en", "--no-fuzzy-matching"
    )
    pot.unlink()


def write_french_plurals(template: Catalog) -> None:
    """The messages are written in French, so French needs no translation, except for plurals:
    without a catalogue, gettext takes 0 as plural (« 0 commentaires ») where French takes it
    as singular (« 0 commentaire »). The French catalogue holds each plural message with its
    own forms, under the French plural rule from CLDR (one; many, for millions; other)."""
    french = Catalog(locale="fr", project="Convention", fuzzy=False)
    for message in template:
        if isinstance(message.id, tuple):
            one, other = message.id[0], message.id[1]
            forms = (one, *[other] * (french.num_plurals - 1))
            french.add(message.id, string=forms, context=message.context)
    target = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, french, width=100, omit_header=False, sort_output=True)


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues (`make` does this on install)."""
    _pybabel("compile", "-d", str(TRANSLATIONS))
