"""The public pages of the convention."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from convention.assembly import hearings, services
from convention.assembly.models import PhaseKind
from convention.auth.access import current_viewer, is_administrator
from convention.registry import registry

bp = Blueprint("assembly", __name__)


@bp.route("/")
def home():
    try:
        convention = services.current_convention()
    except services.NoConvention:
        return render_template("assembly/empty.html", can_set_up=is_administrator(current_user))
    groups = services.groups_with_members(convention)
    return render_template(
        "assembly/home.html",
        convention=convention,
        calendar=services.calendar(convention),
        upcoming=services.next_phase(convention),
        groups=groups,
        guarantors=services.guarantors(convention),
        # Drafting is offered only while it is allowed (the deliberation phase).
        drafting_open=convention.current_phase == PhaseKind.DELIBERATION,
        my_groups={
            g.id
            for g in groups
            if current_user.is_authenticated
            and any(m.user_id == current_user.id for m in g.memberships)
        },
    )


@bp.route("/auditions")
def hearing_index():
    convention = services.current_convention()
    return render_template(
        "assembly/hearings.html", hearings=hearings.published_hearings(convention)
    )


@bp.route("/auditions/<slug>")
def hearing(slug: str):
    convention = services.current_convention()
    found = hearings.published_by_slug(convention, slug)
    if found is None:
        abort(404)
    return render_template(
        "assembly/hearing.html",
        hearing=found,
        **registry().panels_for("hearing", convention, found, current_viewer()),
    )
