"""Recommendations drafted by the working groups: versions, amendments, ideas and the trace."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.proposals import idea_views, member_views, trace, views
from convention.registry import NavEntry, registry
from convention.scope import register_scoped


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    register_scoped(app, member_views.bp)
    register_scoped(app, idea_views.bp)
    found = registry(app)
    found.trace_sources.extend(trace.SOURCES)
    found.event_titles.update(trace.EVENT_TITLES)
    found.add_navigation(
        NavEntry(
            "public",
            "proposals.index",
            _l("Recommandations"),
            10,
            current_for=("proposals", "writing"),
        ),
        NavEntry("public", "ideas.index", _l("Idées"), 20, current_for=("ideas",)),
    )
