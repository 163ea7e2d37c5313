"""Votes: the members' adoption vote, the public's majority judgment, supports for ideas,
paper totals and sealed, verifiable tallies.

`majority_judgment` and `verify_tally` are pure (standard library only): the second runs as a
script, `python convention/votes/verify_tally.py export.json`, without the application."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from convention.auth.models import Role
from convention.registry import NavEntry, registry
from convention.scope import register_scoped
from convention.votes import (
    audit_log,
    consultation_views,
    counting_views,
    report_contributions,
    story,
    trace_sources,
    views,
)


def _members(viewer: Any, role: Any) -> bool:
    """Signed in and a member of the convention served: they vote on the recommendations."""
    return viewer is not None and role == Role.MEMBER


def init_app(app: Flask) -> None:
    register_scoped(app, views.bp)
    register_scoped(app, views.mine_bp)
    register_scoped(app, consultation_views.bp)
    register_scoped(app, counting_views.bp)
    found = registry(app)
    found.trace_sources.extend(trace_sources.SOURCES)
    found.event_titles.update(trace_sources.EVENT_TITLES)
    found.add_audit_describers("votes", audit_log.VOTES)
    found.add_audit_describers("consultation", audit_log.CONSULTATION)
    found.report_contributions.update(report_contributions.CONTRIBUTIONS)
    # Their parts of the « Où en est cette recommandation » block on its page.
    found.add_page_panel("recommendation", story.members_vote)
    found.add_page_panel("recommendation", story.public_judgment)
    found.add_navigation(
        NavEntry("public", "votes.index", _l("Votes"), 30, current_for=("votes", "consultation")),
        NavEntry("public", "my_votes.mine", _l("Mes votes"), 84, shown_to=_members),
    )
