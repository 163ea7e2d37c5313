"""The demo's accounts: one password per role, printed by `flask seed-demo`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from convention.auth.models import Commune, Role, User
from convention.auth.services import create_account

DOMAIN = "demo.example"
PASSWORDS = {
    Role.ADMIN: "demo-admin-2026",
    Role.STAFF: "demo-equipe-2026",
    Role.FACILITATOR: "demo-animation-2026",
    Role.GUARANTOR: "demo-garant-2026",
    Role.MEMBER: "demo-membre-2026",
    Role.CITIZEN: "demo-habitant-2026",
}


def email(*parts: str) -> str:
    text = ".".join(parts).lower().replace(" ", "-").replace("'", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return f"{ascii_text}@{DOMAIN}"


def person(first: str, last: str, role: Role, commune: Commune) -> User:
    """A confirmed account for `first last` with the password of `role` (given in a convention
    by `appoint`); members show their first name and initial."""
    shown = f"{first} {last[0]}." if role == Role.MEMBER else f"{first} {last}"
    return create_account(
        email(first, last),
        shown,
        PASSWORDS[role],
        first_name=first,
        confirmed=True,
        commune=commune,
    )


@contextmanager
def published_passwords() -> Iterator[None]:
    """Hash passwords at Argon2's lowest cost while the demo is loaded.

    The demo's passwords are printed for anyone to read, so hashing each of its hundred and
    fifty accounts at full cost (a quarter of a second each) would protect nothing and take
    most of the loading time. The first sign-in rehashes at the configured cost
    (`authenticate` checks `needs_rehash`)."""
    config = current_app.config
    names = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")
    saved = {name: config[name] for name in names}
    config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=1024, ARGON2_PARALLELISM=1)
    try:
        yield
    finally:
        config.update(saved)
