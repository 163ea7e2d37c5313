"""Reports, the automatic hiding threshold, the moderation decisions and their trail."""

import pytest
from sqlalchemy import select

from convention.assembly.models import Convention
from convention.audit.models import AuditEntry
from convention.discussion import moderation, queries, services
from convention.discussion.models import Notification, Report, ReportReason
from convention.errors import AlreadyExists, InvalidInput, NotAllowed
from convention.extensions import db


def queued():
    """The moderation queue of the test's convention."""
    here = db.session.scalars(select(Convention).where(Convention.slug == "test")).one()
    return list(db.session.scalars(queries.moderation_queue(here)))


@pytest.fixture
def comment(world, thread):
    return services.post_comment(world.citizen, thread, "Un commentaire discutable")


def test_one_report_per_person_and_hidden_after_three_distinct_reports(world, comment):
    moderation.report(world.members[0], comment, ReportReason.INSULT)
    with pytest.raises(AlreadyExists):
        moderation.report(world.members[0], comment, ReportReason.SPAM)
    moderation.report(world.members[1], comment, ReportReason.INSULT)
    assert not comment.is_hidden
    moderation.report(world.members[2], comment, ReportReason.OFF_TOPIC)
    assert comment.is_hidden and comment.pending_review
    assert queued() == [comment]


def test_the_threshold_is_a_setting(app, world, comment):
    app.config["DISCUSSION_REPORT_THRESHOLD"] = 1
    try:
        moderation.report(world.members[0], comment, ReportReason.SPAM)
    finally:
        app.config["DISCUSSION_REPORT_THRESHOLD"] = 3
    assert comment.is_hidden


def test_report_bad_input(world, comment):
    with pytest.raises(NotAllowed):
        moderation.report(world.citizen, comment, ReportReason.SPAM)
    with pytest.raises(InvalidInput, match="Précisez"):
        moderation.report(world.members[0], comment, ReportReason.OTHER, "")
    assert db.session.scalars(select(Report)).all() == []


def test_hide_with_a_public_reason_restore_and_dismiss_are_audited_and_notified(world, comment):
    with pytest.raises(NotAllowed):
        moderation.hide(world.members[0], comment, "Non")
    with pytest.raises(InvalidInput, match="raison"):
        moderation.hide(world.facilitator, comment, " ")
    moderation.hide(world.facilitator, comment, "Propos injurieux")
    assert comment.hidden_reason == "Propos injurieux" and comment.body  # text kept
    moderation.restore(world.staff, comment)
    assert not comment.is_hidden
    for member in world.members[:3]:
        moderation.report(member, comment, ReportReason.SPAM)
    assert comment.pending_review
    moderation.dismiss_reports(world.facilitator, comment)
    assert not comment.is_hidden and queued() == []
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("comment.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["comment.hide", "comment.restore", "comment.dismiss_reports"]
    notes = db.session.scalars(
        select(Notification.text).where(Notification.user_id == world.citizen.id)
    ).all()
    assert any("Propos injurieux" in n for n in notes)
    assert any("de nouveau visible" in n for n in notes)


def test_suspension_for_a_period_with_bad_input_refused(world, comment):
    for days in (0, 400):
        with pytest.raises(InvalidInput, match="365"):
            moderation.suspend(
                world.facilitator, world.citizen, days, "x", convention_id=world.convention.id
            )
    suspension = moderation.suspend(
        world.facilitator, world.citizen, 3, "Spam", convention_id=world.convention.id
    )
    assert (suspension.ends_at - suspension.starts_at).days == 3
    assert services.active_suspension(world.citizen) == suspension
    assert (
        db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "user.suspend"))
        == "user.suspend"
    )
