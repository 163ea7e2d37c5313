"""Citizen ideas: residents post them on a theme; members take them up."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from convention.assembly import services as assembly
from convention.assembly.lookup import here_or_404
from convention.assembly.models import PhaseKind, Theme
from convention.auth.access import current_viewer
from convention.extensions import limiter
from convention.forms import filled
from convention.params import int_arg, page_arg
from convention.proposals import queries, services
from convention.proposals.forms import IdeaForm
from convention.proposals.models import Idea
from convention.registry import registry
from convention.transaction import attempt

bp = Blueprint("ideas", __name__)


@bp.route("/idees", methods=["GET", "POST"])
@limiter.limit(
    "10 per hour",
    methods=["POST"],
    key_func=lambda: f"idea:{getattr(current_user, 'id', request.remote_addr)}",
)
def index():
    convention = assembly.current_convention()
    form = IdeaForm()
    form.theme.choices = [(0, _("— Choisissez —"))] + [(t.id, t.name) for t in convention.themes]
    theme_id = int_arg("theme")
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=url_for("ideas.index")))
        if form.validate_on_submit():
            with attempt(form, "title") as outcome:
                idea = services.post_idea(
                    current_user,
                    convention,
                    here_or_404(Theme, form.theme.data),
                    filled(form.title),
                    filled(form.body),
                )
            if outcome.ok:
                flash(
                    _("Merci ! Votre idée « %(title)s » est publiée.", title=idea.title), "success"
                )
                return redirect(url_for("ideas.index", theme=idea.theme_id))
    return render_template(
        "proposals/ideas.html",
        page=queries.ideas_page(convention, theme_id, page_arg()),
        form=form,
        theme_id=theme_id,
        themes=convention.themes,
        # Taking an idea up is drafting: offered only while drafting is allowed.
        my_group=queries.group_of_member(current_viewer(), convention)
        if convention.current_phase == PhaseKind.DELIBERATION
        else None,
        open_for_ideas=convention.current_phase == PhaseKind.DELIBERATION,
    )


@bp.route("/idees/<int:idea_id>")
def show(idea_id: int):
    convention = assembly.current_convention()
    idea = here_or_404(Idea, idea_id)
    if idea.convention_id != convention.id:
        abort(404)
    return render_template(
        "proposals/idea.html",
        idea=idea,
        **registry().panels_for("idea", convention, idea, current_viewer()),
    )
