"""The guarantors' key: the ceremony in which the convention's guarantors make, each on their
own computer, the key the secret ballots are encrypted to, k of n of them being needed to
decrypt a tally. The platform relays and checks their public files; it holds no secret.

`convention/ballots/` is the cryptography (pure); `convention/ballots/guarantor.py` is the
guarantors' standalone tool, downloaded from these pages as `garant.pyz`."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.auth.models import Role
from convention.guarantors import audit_log, views
from convention.registry import NavEntry, registry
from convention.scope import register_scoped


def _guarantors(viewer: Any, role: Any) -> bool:
    return viewer is not None and role == Role.GUARANTOR


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    found = registry(app)
    found.add_audit_describers("votes", audit_log.KEYS)
    found.add_navigation(
        NavEntry("public", "guarantors.index", _l("Clé des garant·es"), 86, shown_to=_guarantors),
        NavEntry("staff", "guarantors.index", _l("Clé des garant·es"), 58),
    )
