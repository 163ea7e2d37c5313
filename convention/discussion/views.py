"""Discussion pages and actions; the thread itself is shown on its target's page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required
from werkzeug import Response

from convention.assembly import services as assembly
from convention.assembly.lookup import here_or_404
from convention.auth.access import current_viewer
from convention.auth.models import User
from convention.discussion import moderation, queries, services
from convention.discussion.forms import (
    CommentForm,
    EditCommentForm,
    HideForm,
    ReportForm,
    SuspendForm,
)
from convention.discussion.models import Comment, ReportReason, Stance, TargetKind, Thread
from convention.extensions import db, limiter
from convention.forms import EmptyForm, filled
from convention.i18n import paris_date, site_language
from convention.mail import send_email
from convention.params import int_arg, page_arg, parse_int, same_site_path
from convention.transaction import after_commit, attempt

bp = Blueprint("discussion", __name__)
# The site-wide pages of the discussion (outside any convention).
personal = Blueprint("notices", __name__)


def _user_key() -> str:
    return f"user:{getattr(current_user, 'id', None) or request.remote_addr}"


def _kind(value: str) -> TargetKind:
    try:
        return TargetKind(value)
    except ValueError:
        abort(404)


def _visible_target(kind: str, target_id: int) -> TargetKind:
    """The kind of a target of the current convention the person may see, or 404 (through
    `NoSuchDiscussion`'s status): a thread is no easier to reach than its target."""
    thread_kind = _kind(kind)
    services.visible_target(current_viewer(), assembly.current_convention(), thread_kind, target_id)
    return thread_kind


def _comment_or_404(comment_id: int) -> Comment:
    """A comment, if the person may see what it discusses."""
    comment = here_or_404(Comment, comment_id, owner=lambda c: c.thread.convention_id)
    if not services.can_see_target(current_viewer(), comment.thread.target):
        abort(404)
    return comment


def _back_to(comment_or_thread: Comment | Thread, anchor: str | None = None) -> Response:
    thread = (
        comment_or_thread if isinstance(comment_or_thread, Thread) else comment_or_thread.thread
    )
    _title, address = queries.target_of(thread)
    return redirect(address + (f"#{anchor}" if anchor else "#discussion"))


def _email_once_committed(user: User, text: str | LazyString) -> None:
    """Moderation decisions are worth an email at once, not only in the daily digest; sent
    once the decision is committed, in the site's language, whatever language the moderator
    reads."""
    address = user.email

    def send() -> None:
        with site_language():
            send_email(address, _("Modération de la convention citoyenne"), str(text))

    after_commit(send)


@bp.post("/discussions/<kind>/<int:target_id>/commentaires")
@login_required
@limiter.limit("10 per minute;200 per day", key_func=_user_key)
def post(kind: str, target_id: int):
    thread_kind = _visible_target(kind, target_id)
    _title, address = queries.target_address(thread_kind, target_id)
    form = CommentForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(address + "#nouveau-commentaire")
    parent = None
    if form.parent_id.data:
        parent_id = parse_int(form.parent_id.data)
        parent = db.session.get(Comment, parent_id) if parent_id else None
        if parent is None:
            abort(400)
    with attempt() as outcome:
        thread = services.thread_for(assembly.current_convention(), thread_kind, target_id)
        comment = services.post_comment(
            current_user, thread, filled(form.body), Stance(form.stance.data), parent
        )
    if not outcome.ok:
        return redirect(address + "#discussion")
    flash(_("Votre commentaire est publié."), "success")
    return redirect(address + f"#commentaire-{comment.id}")


@bp.route("/commentaires/<int:comment_id>")
def permalink(comment_id: int):
    comment = _comment_or_404(comment_id)
    return _back_to(comment, f"commentaire-{comment.id}")


@bp.route("/commentaires/<int:comment_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = EditCommentForm(obj=comment if request.method == "GET" else None)
    if form.validate_on_submit():
        with attempt(form, "body") as outcome:
            services.edit_comment(current_user, comment, filled(form.body))
        if outcome.ok:
            flash(_("Votre commentaire est modifié."), "success")
            return _back_to(comment, f"commentaire-{comment.id}")
    return render_template(
        "discussion/edit.html",
        form=form,
        comment=comment,
        grace_over=services.edit_keeps_history(comment),
    )


@bp.route("/commentaires/<int:comment_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.delete_comment(current_user, comment)
        if outcome.ok:
            flash(_("Votre commentaire est supprimé."), "success")
        return _back_to(comment, f"commentaire-{comment.id}")
    return render_template(
        "confirm.html",
        form=form,
        title=_("Supprimer votre commentaire ?"),
        warning=_(
            "Il sera remplacé par la mention « commentaire supprimé "
            "par son auteur » ; les réponses resteront visibles."
        ),
        confirm_label=_("Supprimer"),
        cancel_url=url_for("discussion.permalink", comment_id=comment.id),
    )


@bp.route("/commentaires/<int:comment_id>/signaler", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"], key_func=_user_key)
def report(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = ReportForm()
    if form.validate_on_submit():
        with attempt(form) as outcome:
            moderation.report(
                current_user, comment, ReportReason(form.reason.data), form.details.data or ""
            )
        if outcome.ok:
            flash(_("Merci, votre signalement est transmis à la modération."), "success")
        if not form.errors:
            # Reported, or refused for a reason about no field (flashed): back to the thread.
            return _back_to(comment, f"commentaire-{comment.id}")
    return render_template(
        "discussion/report.html", form=form, comment=comment, reasons=list(ReportReason)
    )


@bp.post("/commentaires/<int:comment_id>/soutenir")
@login_required
@limiter.limit("60 per minute", key_func=_user_key)
def upvote(comment_id: int):
    comment = _comment_or_404(comment_id)
    if EmptyForm().validate_on_submit():
        with attempt():
            if request.form.get("retirer"):
                services.remove_upvote(current_user, comment)
            else:
                services.upvote(current_user, comment)
    return _back_to(comment, f"commentaire-{comment.id}")


@bp.post("/discussions/<kind>/<int:target_id>/suivre")
@login_required
def follow(kind: str, target_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    thread_kind = _visible_target(kind, target_id)
    thread = services.thread_for(assembly.current_convention(), thread_kind, target_id)
    if request.form.get("arreter"):
        services.unfollow(current_user, thread)
        flash(_("Vous ne suivez plus cette discussion."), "success")
    else:
        services.follow(current_user, thread)
        flash(
            _(
                "Vous suivez cette discussion : vous recevrez un résumé quotidien des "
                "nouveaux commentaires."
            ),
            "success",
        )
    return _back_to(thread)


@bp.post("/discussions/<kind>/<int:target_id>/reservee")
@login_required
def reserve(kind: str, target_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    thread_kind = _visible_target(kind, target_id)
    convention = assembly.current_convention()
    reserved = request.form.get("reservee") == "1"
    with attempt() as outcome:
        thread = services.thread_for(convention, thread_kind, target_id)
        services.set_members_only(current_user, thread, convention, reserved)
    if outcome.ok:
        flash(
            _("Seuls les membres peuvent maintenant écrire dans cette discussion.")
            if reserved
            else _("Tout le monde peut de nouveau écrire dans cette discussion."),
            "success",
        )
    _title, address = queries.target_address(thread_kind, target_id)
    return redirect(address + "#discussion")


@bp.route("/commentaires/<int:comment_id>/historique")
def history(comment_id: int):
    comment = _comment_or_404(comment_id)
    if comment.is_hidden or comment.deleted_at:
        abort(404)
    return render_template("discussion/history.html", comment=comment)


@bp.route("/discussions/<kind>/<int:target_id>/nouveaux")
def new_comments(kind: str, target_id: int):
    """The comments posted since the page was loaded, as HTML, for the live update."""
    thread = services.find_thread(_visible_target(kind, target_id), target_id)
    after = int_arg("apres", 0, minimum=0)
    comments = queries.new_since(thread, after) if thread else []
    return render_template("discussion/_new_comments.html", comments=comments)


# --- moderation ------------------------------------------------------------------------


def _moderators_only() -> None:
    if not services.is_moderator(current_user, assembly.current_convention().id):
        abort(403)


@bp.route("/moderation")
@login_required
def queue():
    _moderators_only()
    page = db.paginate(
        queries.moderation_queue(assembly.current_convention()),
        page=page_arg(),
        per_page=queries.QUEUE_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "discussion/queue.html",
        page=page,
        items=[(c, queries.target_of(c.thread)) for c in page.items],
        button=EmptyForm(),
        hide_form=HideForm(),
    )


@bp.post("/moderation/commentaires/<int:comment_id>/<any(masquer, retablir, classer):step>")
@login_required
def moderate(comment_id: int, step: str):
    _moderators_only()
    # Moderators moderate every thread, whether or not they may see its target.
    comment = here_or_404(Comment, comment_id, owner=lambda c: c.thread.convention_id)
    form = HideForm() if step == "masquer" else EmptyForm()
    if not form.validate_on_submit():
        flash(_("Indiquez la raison, qui sera affichée publiquement."), "error")
        return redirect(url_for("discussion.queue"))
    notification = None
    with attempt() as outcome:
        if step == "masquer":
            notification = moderation.hide(current_user, comment, filled(form.reason))
            message = _("Le commentaire est masqué.")
        elif step == "retablir":
            notification = moderation.restore(current_user, comment)
            message = _("Le commentaire est de nouveau visible.")
        else:
            moderation.dismiss_reports(current_user, comment)
            message = _("Les signalements sont classés sans suite.")
    if not outcome.ok:
        return redirect(url_for("discussion.queue"))
    if notification is not None:
        _email_once_committed(comment.author, notification.text)
    flash(message, "success")
    return redirect(same_site_path(request.form.get("suivant")) or url_for("discussion.queue"))


@bp.route("/moderation/utilisateurs/<int:user_id>/suspendre", methods=["GET", "POST"])
@login_required
def suspend(user_id: int):
    _moderators_only()
    user = db.get_or_404(User, user_id)
    if not queries.has_written_in(user, assembly.current_convention()):
        abort(404)  # a convention's moderators suspend the people who write in it
    form = SuspendForm()
    if form.validate_on_submit():
        with attempt(form, "reason") as outcome:
            suspension = moderation.suspend(
                current_user,
                user,
                filled(form.days),
                filled(form.reason),
                convention_id=assembly.current_convention().id,
            )
        if outcome.ok:
            _email_once_committed(
                user,
                _l(
                    "Votre participation aux discussions est suspendue "
                    "jusqu'au %(date)s : %(reason)s",
                    date=paris_date(suspension.ends_at),
                    reason=suspension.reason,
                ),
            )
            flash(
                _(
                    "%(name)s est suspendu·e pour %(days)d jours.",
                    name=user.display_name,
                    days=form.days.data,
                ),
                "success",
            )
            return redirect(url_for("discussion.queue"))
    return render_template("discussion/suspend.html", form=form, user=user)


@personal.route("/notifications")
@login_required
def notifications():
    """A person's notifications from every convention of the site: their own page, not a
    convention's."""
    page = db.paginate(
        queries.notifications_of(current_user),
        page=page_arg(),
        per_page=queries.NOTIFICATIONS_PER_PAGE,
        error_out=False,
    )
    # Shown as new this once: the request's commit records that they have been seen.
    response = render_template(
        "discussion/notifications.html",
        page=page,
        unread_ids={n.id for n in page.items if n.read_at is None},
    )
    services.mark_read(page.items)
    return response
