"""The convention itself: its question, phases, themes, working groups, members and hearings,
the public home page and the staff area's set-up pages."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l

from convention.assembly import (
    audit_log,
    commune_views,
    services,
    setup_views,
    site_views,
    staff_views,
    views,
)
from convention.registry import NavEntry, administrators, managers, registry
from convention.scope import current_slug, is_resolved_by_the_view, register_scoped

redirect_old_addresses = site_views.redirect_old_addresses


def serve_the_convention_addressed() -> None:
    """Before a convention's page: the convention its address names, or 404 (unless the view
    finds it itself, when it needs it)."""
    slug = current_slug()
    view = current_app.view_functions.get(request.endpoint or "")
    if slug is None or is_resolved_by_the_view(view):
        return
    services.serve(slug)


def init_app(app: Flask) -> None:
    app.before_request(serve_the_convention_addressed)
    app.register_blueprint(site_views.bp)
    app.register_blueprint(commune_views.bp)
    register_scoped(app, views.bp)
    register_scoped(app, staff_views.bp)
    register_scoped(app, setup_views.bp)
    registry(app).add_navigation(
        NavEntry("public", "assembly.home", _l("Accueil"), 0),
        NavEntry(
            "public",
            "assembly.hearing_index",
            _l("Auditions"),
            60,
            current_for=("assembly.hearing",),
        ),
        NavEntry(
            "public",
            "staff.dashboard",
            _l("Gestion"),
            70,
            current_for=(
                "staff",
                "setup",
                "recruitment_staff",
                "publication_staff",
                "sittings_staff",
            ),
            shown_to=managers,
        ),
        NavEntry("staff", "staff.dashboard", _l("Tableau de bord"), 0),
        NavEntry("staff", "setup.index", _l("Mise en place"), 5),
        NavEntry("staff", "communes.index", _l("Communes"), 7, shown_to=administrators),
        NavEntry("staff", "setup.people", _l("Équipe et garant·es"), 45),
        NavEntry("staff", "staff.edit_convention", _l("Présentation"), 10),
        NavEntry("staff", "staff.edit_calendar", _l("Calendrier"), 20),
        NavEntry("staff", "staff.themes", _l("Thèmes"), 30),
        NavEntry("staff", "staff.groups", _l("Groupes de travail"), 40),
        NavEntry("staff", "staff.edit_hearing", _l("Auditions"), 50),
        NavEntry("staff", "staff.audit_log", _l("Journal des actions"), 90),
    )
    registry(app).add_audit_describers("convention", audit_log.CONVENTION)
    registry(app).add_audit_describers("groups", audit_log.GROUPS)
