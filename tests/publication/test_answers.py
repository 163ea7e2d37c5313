"""Official answers, follow-up and the members' assessment of the answers."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from convention.errors import InvalidInput, NotAllowed
from convention.extensions import db
from convention.publication import services
from convention.publication.models import Answer, AnswerAssessment, AnswerKind, FollowUpUpdate

TODAY = date(2027, 4, 1)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(
    "kind, extra, message",
    [
        (AnswerKind.REJECTED, {}, "raisons écrites"),
        (AnswerKind.UNDER_STUDY, {}, "date à laquelle"),
        (AnswerKind.UNDER_STUDY, {"due_on": TODAY - timedelta(days=1)}, "dans le futur"),
        (AnswerKind.ADOPTED, {"service": " "}, "service responsable"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(adopted, kind, extra, message):
    values = {
        "kind": kind,
        "service": "Direction du numérique",
        "public_text": "Réponse.",
        "today": TODAY,
        **extra,
    }
    with pytest.raises(InvalidInput, match=message):
        services.record_answer(adopted.staff, adopted.adopted[0], **values)
    assert count(Answer) == 0


def test_only_adopted_recommendations_get_answers_and_follow_up(adopted):
    with pytest.raises(InvalidInput, match="adoptées"):
        services.record_answer(
            adopted.staff, adopted.rejected, kind=AnswerKind.ADOPTED, service="S", public_text="T"
        )
    with pytest.raises(InvalidInput, match="adoptées"):
        services.post_follow_up(
            adopted.staff, adopted.rejected, happened_on=TODAY, progress=10, text="x"
        )
    assert count(Answer) == 0 and count(FollowUpUpdate) == 0
    with pytest.raises(NotAllowed):
        services.record_answer(
            adopted.members[0],
            adopted.adopted[0],
            kind=AnswerKind.ADOPTED,
            service="S",
            public_text="T",
        )


def test_answers_are_published_one_by_one_or_together_and_overdue_is_shown(adopted):
    first, second = adopted.adopted
    study = services.record_answer(
        adopted.staff,
        first,
        kind=AnswerKind.UNDER_STUDY,
        service="DSI",
        public_text="À l'étude.",
        due_on=TODAY + timedelta(days=30),
        today=TODAY,
    )
    rejected = services.record_answer(
        adopted.staff,
        second,
        kind=AnswerKind.REJECTED,
        service="RH",
        public_text="Non.",
        reasons="Budget déjà engagé.",
        today=TODAY,
    )
    assert services.publish_answers(adopted.staff, [study]) == 1
    assert rejected.published_at is None
    assert services.publish_answers(adopted.staff, [study, rejected]) == 1
    assert not services.is_overdue(study, adopted.convention, TODAY)
    assert services.is_overdue(study, adopted.convention, TODAY + timedelta(days=31))


def test_follow_up_needs_a_percentage_and_text(adopted):
    rec = adopted.adopted[0]
    for progress in (-1, 101):
        with pytest.raises(InvalidInput, match="0 et 100"):
            services.post_follow_up(
                adopted.staff, rec, happened_on=TODAY, progress=progress, text="x"
            )
    with pytest.raises(InvalidInput, match="Décrivez"):
        services.post_follow_up(adopted.staff, rec, happened_on=TODAY, progress=10, text=" ")
    update, followers = services.post_follow_up(
        adopted.staff, rec, happened_on=TODAY, progress=40, text="Registre en ligne."
    )
    assert update.progress == 40 and followers == []


def test_members_grade_published_answers_0_to_10_and_may_change_their_grade(adopted):
    rec = adopted.adopted[0]
    answer = services.record_answer(
        adopted.staff, rec, kind=AnswerKind.ADOPTED, service="DSI", public_text="Oui."
    )
    with pytest.raises(NotAllowed, match="pas encore publiée"):
        services.assess_answer(adopted.members[0], answer, adopted.convention, 7)
    services.publish_answers(adopted.staff, [answer])
    services.assess_answer(adopted.members[0], answer, adopted.convention, 7)
    services.assess_answer(adopted.members[0], answer, adopted.convention, 9)
    services.assess_answer(adopted.members[1], answer, adopted.convention, 4)
    for grade in (-1, 11):
        with pytest.raises(InvalidInput):
            services.assess_answer(adopted.members[2], answer, adopted.convention, grade)
    with pytest.raises(NotAllowed):
        services.assess_answer(adopted.citizen, answer, adopted.convention, 5)
    grades = sorted(db.session.scalars(select(AnswerAssessment.grade)))
    assert grades == [4, 9]
