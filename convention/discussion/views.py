"""Discussion pages and actions; the thread itself is shown on its target's page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required
from sqlalchemy import select

from convention.assembly import services as assembly
from convention.auth.models import User
from convention.clock import utcnow
from convention.discussion import moderation, queries, services
from convention.discussion.forms import (
    CommentForm,
    EditCommentForm,
    HideForm,
    ReportForm,
    SuspendForm,
)
from convention.discussion.models import (
    Comment,
    Notification,
    ReportReason,
    Stance,
    TargetKind,
    Thread,
)
from convention.errors import ConventionError
from convention.extensions import db, limiter
from convention.forms import EmptyForm, committed_or_flashed
from convention.i18n import site_language
from convention.mail import send_email

bp = Blueprint("discussion", __name__)


def _user_key() -> str:
    return f"user:{getattr(current_user, 'id', None) or request.remote_addr}"


def _kind(value: str) -> TargetKind:
    try:
        return TargetKind(value)
    except ValueError:
        abort(404)


def _comment_or_404(comment_id: int) -> Comment:
    return db.get_or_404(Comment, comment_id)


def _back_to(comment_or_thread, anchor: str | None = None):
    thread = (comment_or_thread if isinstance(comment_or_thread, Thread)
              else db.session.get(Thread, comment_or_thread.thread_id))
    _title, address = queries.target_of(thread)
    return redirect(address + (f"#{anchor}" if anchor else "#discussion"))


def _notify_by_email(user: User, text: str | LazyString) -> None:
    """Moderation decisions are worth an email at once, not only in the daily digest; in the
    site's language, whatever language the moderator reads."""
    with site_language():
        send_email(user.email, _("Modération de la convention citoyenne"), str(text))


@bp.post("/discussions/<kind>/<int:target_id>/commentaires")
@login_required
@limiter.limit("10 per minute;200 per day", key_func=_user_key)
def post(kind: str, target_id: int):
    convention = assembly.current_convention()
    thread_kind = _kind(kind)
    target = services.TARGETS[thread_kind]
    if db.session.get(target, target_id) is None:
        abort(404)
    _title, address = queries.target_address(thread_kind, target_id)
    form = CommentForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(address + "#nouveau-commentaire")
    parent = None
    if form.parent_id.data:
        parent = db.session.get(Comment, int(form.parent_id.data)) \
            if form.parent_id.data.isdigit() else None
        if parent is None:
            abort(400)
    try:
        thread = services.thread_for(convention, thread_kind, target_id)
        comment = services.post_comment(current_user, thread, form.body.data,
                                        Stance(form.stance.data), parent)
    except ConventionError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(address + "#discussion")
    db.session.commit()
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
        try:
            services.edit_comment(current_user, comment, form.body.data)
        except ConventionError as error:
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("Votre commentaire est modifié."), "success")
            return _back_to(comment, f"commentaire-{comment.id}")
    return render_template("discussion/edit.html", form=form, comment=comment,
                           grace_over=utcnow() - comment.created_at > services.EDIT_GRACE)


@bp.route("/commentaires/<int:comment_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with committed_or_flashed() as outcome:
            services.delete_comment(current_user, comment)
        if outcome.ok:
            flash(_("Votre commentaire est supprimé."), "success")
        return _back_to(comment, f"commentaire-{comment.id}")
    return render_template("confirm.html", form=form, title=_("Supprimer votre commentaire ?"),
                           warning=_("Il sera remplacé par la mention « commentaire supprimé "
                                     "par son auteur » ; les réponses resteront visibles."),
                           confirm_label=_("Supprimer"),
                           cancel_url=url_for("discussion.permalink", comment_id=comment.id))


@bp.route("/commentaires/<int:comment_id>/signaler", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"], key_func=_user_key)
def report(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(current_user, comment, ReportReason(form.reason.data),
                              form.details.data or "")
        except ConventionError as error:
            db.session.rollback()
            target = getattr(form, error.field or "", None)
            if target is None:
                flash(error.message, "error")
                return _back_to(comment, f"commentaire-{comment.id}")
            target.errors = list(target.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("Merci, votre signalement est transmis à la modération."), "success")
            return _back_to(comment, f"commentaire-{comment.id}")
    return render_template("discussion/report.html", form=form, comment=comment,
                           reasons=list(ReportReason))


@bp.post("/commentaires/<int:comment_id>/soutenir")
@login_required
@limiter.limit("60 per minute", key_func=_user_key)
def upvote(comment_id: int):
    comment = _comment_or_404(comment_id)
    if EmptyForm().validate_on_submit():
        with committed_or_flashed():
            if request.form.get("retirer"):
                services.remove_upvote(current_user, comment)
            else:
                services.upvote(current_user, comment)
    return _back_to(comment, f"commentaire-{comment.id}")


@bp.post("/discussions/<kind>/<int:target_id>/suivre")
@login_required
def follow(kind: str, target_id: int):
    convention = assembly.current_convention()
    if EmptyForm().validate_on_submit():
        try:
            thread = services.thread_for(convention, _kind(kind), target_id)
        except ConventionError:
            abort(404)
        if request.form.get("arreter"):
            services.unfollow(current_user, thread)
            flash(_("Vous ne suivez plus cette discussion."), "success")
        else:
            services.follow(current_user, thread)
            flash(_("Vous suivez cette discussion : vous recevrez un résumé quotidien des "
                    "nouveaux commentaires."), "success")
        db.session.commit()
        return _back_to(thread)
    abort(400)


@bp.post("/discussions/<kind>/<int:target_id>/reservee")
@login_required
def reserve(kind: str, target_id: int):
    convention = assembly.current_convention()
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        thread = services.thread_for(convention, _kind(kind), target_id)
        services.set_members_only(current_user, thread, convention,
                                  request.form.get("reservee") == "1")
    except ConventionError as error:
        db.session.rollback()
        flash(error.message, "error")
        thread = services.find_thread(_kind(kind), target_id)
        return _back_to(thread) if thread else redirect(url_for("assembly.home"))
    db.session.commit()
    flash(_("Seuls les membres peuvent maintenant écrire dans cette discussion.")
          if thread.members_only else _("Tout le monde peut de nouveau écrire dans cette "
                                        "discussion."), "success")
    return _back_to(thread)


@bp.route("/commentaires/<int:comment_id>/historique")
def history(comment_id: int):
    comment = _comment_or_404(comment_id)
    if comment.is_hidden or comment.deleted_at:
        abort(404)
    return render_template("discussion/history.html", comment=comment)


@bp.route("/discussions/<kind>/<int:target_id>/nouveaux")
def new_comments(kind: str, target_id: int):
    """The comments posted since the page was loaded, as HTML, for the live update."""
    thread = services.find_thread(_kind(kind), target_id)
    after = request.args.get("apres", 0, type=int)
    comments = queries.new_since(thread, after) if thread else []
    return render_template("discussion/_new_comments.html", comments=comments)


# --- moderation ------------------------------------------------------------------------

def _moderators_only():
    if not services.is_moderator(current_user):
        abort(403)


@bp.route("/moderation")
@login_required
def queue():
    _moderators_only()
    comments = moderation.queue()
    return render_template("discussion/queue.html",
                           items=[(c, moderation.open_reports(c), queries.target_of(
                               db.session.get(Thread, c.thread_id))) for c in comments],
                           button=EmptyForm(), hide_form=HideForm())


@bp.post("/moderation/commentaires/<int:comment_id>/<any(masquer, retablir, classer):step>")
@login_required
def moderate(comment_id: int, step: str):
    _moderators_only()
    comment = _comment_or_404(comment_id)
    form = HideForm() if step == "masquer" else EmptyForm()
    if not form.validate_on_submit():
        flash(_("Indiquez la raison, qui sera affichée publiquement."), "error")
        return redirect(url_for("discussion.queue"))
    notification = None
    try:
        if step == "masquer":
            notification = moderation.hide(current_user, comment, form.reason.data)
            message = _("Le commentaire est masqué.")
        elif step == "retablir":
            notification = moderation.restore(current_user, comment)
            message = _("Le commentaire est de nouveau visible.")
        else:
            moderation.dismiss_reports(current_user, comment)
            message = _("Les signalements sont classés sans suite.")
    except ConventionError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("discussion.queue"))
    db.session.commit()
    if notification is not None:
        _notify_by_email(comment.author, notification.text)
    flash(message, "success")
    return redirect(request.form.get("suivant") or url_for("discussion.queue"))


@bp.route("/moderation/utilisateurs/<int:user_id>/suspendre", methods=["GET", "POST"])
@login_required
def suspend(user_id: int):
    _moderators_only()
    user = db.get_or_404(User, user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            suspension = moderation.suspend(current_user, user, form.days.data, form.reason.data)
        except ConventionError as error:
            db.session.rollback()
            target = getattr(form, error.field or "", None) or form.reason
            target.errors = list(target.errors) + [error.message]
        else:
            db.session.commit()
            _notify_by_email(user, _l("Votre participation aux discussions est suspendue "
                                      "jusqu'au %(date)s : %(reason)s",
                                      date=suspension.ends_at.date().isoformat(),
                                      reason=suspension.reason))
            flash(_("%(name)s est suspendu·e pour %(days)d jours.", name=user.display_name,
                    days=form.days.data), "success")
            return redirect(url_for("discussion.queue"))
    return render_template("discussion/suspend.html", form=form, user=user)


@bp.route("/notifications")
@login_required
def notifications():
    items = db.paginate(select(Notification).where(Notification.user_id == current_user.id)
                        .order_by(Notification.id.desc()), per_page=30, error_out=False)
    unread = [n for n in items.items if n.read_at is None]
    response = render_template("discussion/notifications.html", page=items,
                               unread_ids={n.id for n in unread})
    for notification in unread:
        notification.read_at = utcnow()
    db.session.commit()
    return response
