"""The convention's sessions (its weekends): their dates, place and agenda, the members'
attendance, and the daily allowance paid for it with the finance department's export.

`allowances` is the pure rule (no Flask, no SQLAlchemy)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.auth.models import Role
from convention.registry import NavEntry, registry
from convention.scope import register_scoped
from convention.sittings import audit_log, member_views, views


def _members(viewer: Any, role: Any) -> bool:
    """Signed in and a member of the convention served."""
    return viewer is not None and role == Role.MEMBER


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    register_scoped(app, member_views.bp)
    app.add_template_filter(views.euro_amount, "euro_amount")
    registry(app).add_audit_describers("sessions", audit_log.SESSIONS)
    registry(app).add_navigation(
        NavEntry("public", "sittings.index", _l("Séances"), 65),
        NavEntry("public", "sittings.mine", _l("Mes présences"), 85, shown_to=_members),
        NavEntry(
            "staff", "sittings_staff.index", _l("Séances"), 55, current_for=("sittings_staff",)
        ),
    )
