"""Discussion threads on recommendations, ideas and hearings, and their moderation."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.auth.models import MANAGING_ROLES, Role
from convention.discussion import audit_log, views
from convention.discussion.commands import send_digests
from convention.discussion.context import thread_context
from convention.discussion.models import TargetKind
from convention.registry import NavEntry, registry, signed_in
from convention.scope import register_scoped


def _moderates(viewer: Any, role: Role) -> bool:
    return role in MANAGING_ROLES | {Role.FACILITATOR}


def _thread_panel(kind: TargetKind):
    """The thread shown at the bottom of a recommendation's, an idea's or a hearing's page."""

    def panel(convention: Any, target: Any, viewer: Any) -> dict:
        return {"d": thread_context(convention, kind, target.id, viewer)}

    return panel


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    app.register_blueprint(views.personal)
    app.cli.add_command(send_digests)
    found = registry(app)
    found.add_audit_describers("moderation", audit_log.MODERATION)
    found.add_page_panel("recommendation", _thread_panel(TargetKind.RECOMMENDATION))
    found.add_page_panel("idea", _thread_panel(TargetKind.IDEA))
    found.add_page_panel("hearing", _thread_panel(TargetKind.HEARING))
    found.add_navigation(
        NavEntry("public", "discussion.queue", _l("Modération"), 80, shown_to=_moderates),
        NavEntry("public", "notices.notifications", _l("Notifications"), 90, shown_to=signed_in),
    )
