"""The final report and open data, the authority's official answers, follow-up and feeds."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention import jobs as background_jobs
from convention.publication import (
    audit_log,
    jobs,
    queries,
    staff_views,
    story,
    trace_sources,
    views,
)
from convention.registry import ListFilter, NavEntry, registry
from convention.scope import register_scoped


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    register_scoped(app, staff_views.bp)
    background_jobs.register_stages(app, jobs.STAGES)
    found = registry(app)
    found.trace_sources.extend(trace_sources.SOURCES)
    found.add_audit_describers("publication", audit_log.PUBLICATION)
    # Its parts of the « Où en est cette recommandation » block on the recommendation's page.
    found.add_page_panel("recommendation", story.answer_and_follow_up)
    found.add_list_filter(
        "recommendations",
        ListFilter(
            "reponse",
            _l("Réponse de la collectivité"),
            queries.answer_kinds,
            queries.answered_with,
            queries.answer_notes,
        ),
    )
    found.add_navigation(
        NavEntry(
            "public",
            "publication.report_index",
            _l("Rapport et réponses"),
            40,
            current_for=("publication",),
        ),
        NavEntry(
            "staff",
            "publication_staff.dashboard",
            _l("Publication"),
            80,
            current_for=("publication_staff",),
        ),
    )
