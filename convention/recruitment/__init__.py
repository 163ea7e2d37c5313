"""Recruiting the members: the volunteer pool, the fair selection, the public draw,
invitations and replacements. The algorithms are in the pure `convention.sortition` package."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention import jobs
from convention.recruitment import audit_log, profile, services, views
from convention.registry import MEMBERS_BY_PROFILE, NavEntry, registry
from convention.scope import register_scoped


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    register_scoped(app, views.staff)
    jobs.register_stages(app, services.STAGES)
    jobs.register_errors(app, services.ERRORS)
    found = registry(app)
    found.report_process[MEMBERS_BY_PROFILE] = profile.members_by_profile
    found.add_audit_describers("draw", audit_log.DRAW)
    found.add_navigation(
        NavEntry(
            "staff",
            "recruitment_staff.index",
            _l("Tirage au sort"),
            70,
            current_for=("recruitment_staff",),
        ),
    )
