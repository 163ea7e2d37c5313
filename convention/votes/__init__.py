"""Votes: the members' adoption vote, the public's majority judgment, supports for ideas,
paper totals and sealed, verifiable tallies.

`majority_judgment` and `verify_tally` are pure (standard library only): the second runs as a
script, `python convention/votes/verify_tally.py export.json`, without the application."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.registry import NavEntry, registry
from convention.scope import register_scoped
from convention.votes import (
    adoption,
    consultation_views,
    report_contributions,
    trace_sources,
    views,
)


def _members_vote_panel(convention: Any, recommendation: Any, viewer: Any) -> dict:
    return adoption.page_summary(recommendation)


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    register_scoped(app, consultation_views.bp)
    found = registry(app)
    found.trace_sources.extend(trace_sources.SOURCES)
    found.event_titles.update(trace_sources.EVENT_TITLES)
    found.report_contributions.update(report_contributions.CONTRIBUTIONS)
    found.add_page_panel("recommendation", _members_vote_panel)
    found.add_navigation(
        NavEntry("public", "votes.index", _l("Votes"), 30, current_for=("votes", "consultation")),
    )
