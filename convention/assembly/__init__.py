"""The convention itself: its question, phases, themes, working groups, members and hearings,
the public home page and the staff area's set-up pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.assembly import setup_views, staff_views, views
from convention.registry import NavEntry, managers, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(setup_views.bp)
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
            current_for=("staff", "setup", "recruitment_staff", "publication_staff"),
            shown_to=managers,
        ),
        NavEntry("staff", "staff.dashboard", _l("Tableau de bord"), 0),
        NavEntry("staff", "setup.index", _l("Mise en place"), 5),
        NavEntry("staff", "staff.edit_convention", _l("Présentation"), 10),
        NavEntry("staff", "staff.edit_calendar", _l("Calendrier"), 20),
        NavEntry("staff", "staff.themes", _l("Thèmes"), 30),
        NavEntry("staff", "staff.groups", _l("Groupes de travail"), 40),
        NavEntry("staff", "staff.edit_hearing", _l("Auditions"), 50),
        NavEntry("staff", "staff.audit_log", _l("Journal des actions"), 90),
    )
