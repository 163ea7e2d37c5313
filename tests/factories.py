"""Small builders for test data, going through the same services as the application."""
from __future__ import annotations

from itertools import count

from convention.assembly import services as assembly
from convention.auth.models import Commune
from convention.auth.models import Role
from convention.auth.services import create_account
from convention.extensions import db

PASSWORD = "correct horse battery"
_serial = count(1)


def commune(name: str | None = None, population: int = 1000) -> Commune:
    place = Commune(name=name or f"Commune {next(_serial)}", population=population)
    db.session.add(place)
    db.session.flush()
    return place


def user(role: Role = Role.CITIZEN, *, email: str | None = None, name: str | None = None,
         first_name: str | None = None, confirmed: bool = True, place: Commune | None = None):
    n = next(_serial)
    return create_account(email or f"person{n}@test.example", name or f"Person {n}", PASSWORD,
                          role=role, first_name=first_name, confirmed=confirmed, commune=place)


def convention(actor=None, **overrides):
    values = {"slug": f"conv-{next(_serial)}", "title": "Convention test",
              "question": "Quelle intelligence artificielle ?", "authority": "Métropole"}
    values.update(overrides)
    return assembly.create_convention(actor, **values)


def login(client, email: str, password: str = PASSWORD, follow: bool = True):
    return client.post("/connexion", data={"email": email, "password": password},
                       follow_redirects=follow)
