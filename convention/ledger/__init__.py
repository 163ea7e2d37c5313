"""The public ledger: every public event of the site's conventions (rules, votes opened and
closed, the consultation, draws, report editions, the guarantors' keys), chained so that
anyone who kept an earlier head, or checks the guarantors' signatures, finds a rewrite.

`verify_ledger` is pure (the ballots package and the standard library): it runs as a script,
`python convention/ledger/verify_ledger.py registre.json`, without the application."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.ledger import views
from convention.ledger.commands import ledger
from convention.registry import NavEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.cli.add_command(ledger)
    registry(app).add_navigation(NavEntry("footer", "ledger.index", _l("Registre public"), 10))
