"""Reports and moderation: hiding, restoring, dismissing reports, suspending.

Nothing is deleted: a hidden comment keeps its text and shows the moderation's reason in its
place. Every decision goes to the audit log and its author is notified.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from convention.audit.services import record
from convention.auth.models import User
from convention.clock import utcnow
from convention.discussion.models import Comment, Notification, Report, ReportReason, Suspension
from convention.discussion.services import (
    bump_counter,
    comment_link,
    is_moderator,
    notify,
    report_threshold,
)
from convention.errors import AlreadyExists, ConventionError, InvalidInput, NotAllowed
from convention.extensions import db

PENDING_REASON = _l("en attente de vérification par la modération")


def report(actor: User, comment: Comment, reason: ReportReason, details: str = "") -> Report:
    """Anyone signed in reports a comment once. Past the threshold of distinct reports the
    comment is hidden until a moderator reviews it."""
    if actor.id == comment.author_id:
        raise NotAllowed(_l("Vous ne pouvez pas signaler votre propre commentaire."))
    if not isinstance(reason, ReportReason):
        raise InvalidInput(_l("Choisissez une raison."), field="reason")
    details = (details or "").strip()
    if reason == ReportReason.OTHER and not details:
        raise InvalidInput(_l("Précisez la raison du signalement."), field="details")
    if len(details) > 500:
        raise InvalidInput(_l("La précision dépasse %(n)d caractères.", n=500), field="details")
    entry = Report(comment_id=comment.id, reporter_id=actor.id, reason=reason, details=details)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(_l("Vous avez déjà signalé ce commentaire.")) from None
    bump_counter(Comment, comment.id, "report_count", +1)
    db.session.refresh(comment, ["report_count", "hidden_at"])
    if comment.report_count >= report_threshold() and comment.hidden_at is None:
        comment.hidden_at = utcnow()
        comment.hidden_reason = str(PENDING_REASON)
        comment.pending_review = True
    return entry


def _require_moderator(actor: User, convention_id: int) -> None:
    if not is_moderator(actor, convention_id):
        raise NotAllowed()


def _resolve_reports(comment: Comment) -> None:
    db.session.execute(
        update(Report)
        .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )


def hide(actor: User, comment: Comment, reason: str) -> Notification:
    _require_moderator(actor, comment.thread.convention_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _l("Indiquez la raison, qui sera affichée publiquement."), field="reason"
        )
    if len(reason) > 300:
        raise InvalidInput(_l("La raison dépasse %(n)d caractères.", n=300), field="reason")
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    comment.pending_review = False
    _resolve_reports(comment)
    record(actor, "comment.hide", comment, reason=reason)
    return notify(
        comment.author,
        "moderation",
        _l("Votre commentaire a été masqué par la modération : %(reason)s", reason=reason),
        link=comment_link(comment),
    )


def restore(actor: User, comment: Comment) -> Notification:
    _require_moderator(actor, comment.thread.convention_id)
    if comment.hidden_at is None:
        raise ConventionError(_l("Ce commentaire n'est pas masqué."))
    comment.hidden_at, comment.hidden_reason, comment.pending_review = None, None, False
    _resolve_reports(comment)
    record(actor, "comment.restore", comment)
    return notify(
        comment.author,
        "moderation",
        _l("Votre commentaire est de nouveau visible après vérification."),
        link=comment_link(comment),
    )


def dismiss_reports(actor: User, comment: Comment) -> None:
    """The reports were unfounded: they are closed, and an automatic hiding is lifted."""
    _require_moderator(actor, comment.thread.convention_id)
    _resolve_reports(comment)
    if comment.pending_review:
        comment.hidden_at, comment.hidden_reason, comment.pending_review = None, None, False
    record(actor, "comment.dismiss_reports", comment)


def suspend(actor: User, user: User, days: int, reason: str, *, convention_id: int) -> Suspension:
    """A moderator of the convention `convention_id` suspends `user`'s participation on the
    site (comments, reports and support) for `days` days."""
    _require_moderator(actor, convention_id)
    if user.id == actor.id:
        raise InvalidInput(_l("Vous ne pouvez pas vous suspendre vous-même."))
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput(_l("La durée doit être comprise entre 1 et 365 jours."), field="days")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_l("Indiquez la raison de la suspension."), field="reason")
    now = utcnow()
    suspension = Suspension(
        user_id=user.id,
        moderator_id=actor.id,
        reason=reason[:300],
        starts_at=now,
        ends_at=now + timedelta(days=days),
    )
    db.session.add(suspension)
    db.session.flush()
    record(actor, "user.suspend", user, days=days, reason=reason)
    notify(
        user,
        "moderation",
        _l(
            "Votre participation aux discussions est suspendue pour %(days)d jours : %(reason)s",
            days=days,
            reason=reason,
        ),
    )
    return suspension
