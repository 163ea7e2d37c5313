"""Citizen ideas: residents post them on a theme; members take them up."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convention.assembly import services as assembly
from convention.assembly.models import GroupMembership, PhaseKind, Theme
from convention.discussion.context import thread_context
from convention.discussion.models import TargetKind
from convention.errors import ConventionError
from convention.extensions import db, limiter
from convention.proposals import services
from convention.proposals.forms import IdeaForm
from convention.proposals.models import Idea

bp = Blueprint("ideas", __name__)


@bp.route("/idees", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"],
               key_func=lambda: f"idea:{getattr(current_user, 'id', request.remote_addr)}")
def index():
    convention = assembly.current_convention()
    form = IdeaForm()
    form.theme.choices = [(0, _("— Choisissez —"))] + [(t.id, t.name) for t in convention.themes]
    theme_id = request.args.get("theme", type=int)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=url_for("ideas.index")))
        if form.validate_on_submit():
            try:
                idea = services.post_idea(current_user, convention,
                                          db.session.get(Theme, form.theme.data),
                                          form.title.data, form.body.data)
            except ConventionError as error:
                db.session.rollback()
                field = getattr(form, error.field or "", None) or form.title
                field.errors = list(field.errors) + [error.message]
            else:
                db.session.commit()
                flash(_("Merci ! Votre idée « %(title)s » est publiée.", title=idea.title),
                      "success")
                return redirect(url_for("ideas.index", theme=idea.theme_id))
    statement = (select(Idea).where(Idea.convention_id == convention.id)
                 .options(selectinload(Idea.author), selectinload(Idea.theme),
                          selectinload(Idea.recommendations))
                 .order_by(Idea.created_at.desc()))
    if theme_id:
        statement = statement.where(Idea.theme_id == theme_id)
    page = db.paginate(statement, per_page=20, error_out=False)
    my_group = None
    if current_user.is_authenticated:
        my_group = db.session.scalar(select(GroupMembership.group_id).where(
            GroupMembership.user_id == current_user.id,
            GroupMembership.convention_id == convention.id))
    return render_template(
        "proposals/ideas.html", page=page, form=form, theme_id=theme_id,
        themes=convention.themes, my_group=my_group,
        open_for_ideas=convention.current_phase == PhaseKind.DELIBERATION)


@bp.route("/idees/<int:idea_id>")
def show(idea_id: int):
    convention = assembly.current_convention()
    idea = db.get_or_404(Idea, idea_id)
    if idea.convention_id != convention.id:
        abort(404)
    viewer = current_user if current_user.is_authenticated else None
    return render_template("proposals/idea.html", idea=idea,
                           d=thread_context(convention, TargetKind.IDEA, idea.id, viewer))
