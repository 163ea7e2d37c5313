"""The public consultation: residents grade the adopted recommendations by majority judgment.

One judgment per citizen and recommendation is a unique constraint; changing a grade is one
INSERT … ON CONFLICT DO UPDATE that also returns the grade it replaced, so the counters move
the judgment from one grade to the other in the same transaction, with no read before.
Counters are sharded by citizen (`TALLY_SHARDS` rows per recommendation) so that people
grading the same recommendation at the same moment seldom wait for one another.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, select

from convention.assembly.models import Convention, PhaseKind
from convention.audit.services import record
from convention.auth.models import User
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.proposals.models import Recommendation, Status
from convention.votes import majority_judgment, verify_tally
from convention.votes.models import (
    GRADE_COUNT,
    TALLY_SHARDS,
    Consultation,
    ConsultationParticipant,
    ConsultationTurnout,
    Judgment,
    JudgmentTally,
)
from convention.votes.rules import rules_for
from convention.votes.upsert import insert

GRADE_LABELS = (_l("Excellent"), _l("Très bien"), _l("Bien"), _l("Assez bien"),
                _l("Passable"), _l("Insuffisant"), _l("À rejeter"))
GRADE_COLUMNS = tuple(getattr(JudgmentTally, f"grade_{g}") for g in range(GRADE_COUNT))


class ConsultationClosed(ConventionError):
    message = _l("La consultation n'est pas ouverte : elle est close ou pas encore commencée.")


@dataclass(frozen=True)
class Result:
    """A recommendation's judgment: counts best grade first, ungraded included or not."""

    recommendation: Recommendation
    counts: tuple[int, ...]
    ungraded: int
    majority_grade: int | None
    rank: int

    @property
    def total(self) -> int:
        return sum(self.counts)

    def percents(self) -> list[float]:
        return [100 * c / self.total if self.total else 0.0 for c in self.counts]


def shard_of(citizen_id: int) -> int:
    return citizen_id % TALLY_SHARDS


def consultation_for(convention: Convention) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(
        Consultation.convention_id == convention.id))


def adopted_in(convention_id: int) -> list[Recommendation]:
    """The recommendations the public judges: those the members adopted."""
    return list(db.session.scalars(select(Recommendation).where(
        Recommendation.convention_id == convention_id, Recommendation.status == Status.ADOPTED)
        .order_by(Recommendation.number)))


def adopted_ids(convention_id: int) -> list[int]:
    return list(db.session.scalars(select(Recommendation.id).where(
        Recommendation.convention_id == convention_id, Recommendation.status == Status.ADOPTED)
        .order_by(Recommendation.number)))


def open_consultation(actor: User, convention: Convention, closes_at: datetime, *,
                      now: datetime | None = None) -> Consultation:
    """Staff open the consultation during its phase, with the convention's current settings."""
    if actor is None or not actor.is_manager:
        raise NotAllowed()
    if convention.current_phase != PhaseKind.CONSULTATION:
        raise WrongPhase()
    now = now or utcnow()
    if closes_at <= now:
        raise InvalidInput(_l("La clôture doit être dans le futur."), field="closes_at")
    if consultation_for(convention) is not None:
        raise ConventionError(_l("La consultation a déjà été ouverte."))
    rules = rules_for(convention)
    consultation = Consultation(convention_id=convention.id, opened_at=now, closes_at=closes_at,
                                ungraded_as_reject=rules.ungraded_as_reject,
                                results_hidden_until_close=rules.results_hidden_until_close)
    db.session.add(consultation)
    db.session.flush()
    record(actor, "consultation_opened", consultation, closes_at=closes_at)
    return consultation


def _lock_open(consultation: Consultation, now: datetime) -> bool:
    """A shared lock on the open consultation: judgments run side by side, but the close (which
    takes an exclusive lock) waits for them, and any judgment after it sees it closed."""
    return db.session.scalar(
        select(Consultation.id).where(
            Consultation.id == consultation.id, Consultation.closed_at.is_(None),
            Consultation.opened_at <= now, Consultation.closes_at > now)
        .with_for_update(read=True, key_share=True)) is not None


def _move(shard: int, deltas: dict[int, dict[int, int]]) -> None:
    """Add `deltas` ({recommendation id: {grade: +1/-1}}) to the citizen's shard of each
    recommendation's counters: two statements whatever the number of recommendations."""
    table = JudgmentTally.__table__
    # Make sure the rows exist (zero counts, so the CHECK holds), then add in one batch; an
    # upsert adding the deltas would fail on a -1 before ON CONFLICT is even considered.
    zeros = {f"grade_{g}": 0 for g in range(GRADE_COUNT)}
    db.session.execute(insert(JudgmentTally).values(
        [{"recommendation_id": rec_id, "shard": shard, **zeros} for rec_id in sorted(deltas)])
        .on_conflict_do_nothing())
    statement = table.update().where(
        table.c.recommendation_id == bindparam("rec"), table.c.shard == bindparam("sh")
    ).values({f"grade_{g}": table.c[f"grade_{g}"] + bindparam(f"d{g}")
              for g in range(GRADE_COUNT)})
    db.session.connection().execute(statement, [
        {"rec": rec_id, "sh": shard, **{f"d{g}": deltas[rec_id].get(g, 0)
                                         for g in range(GRADE_COUNT)}}
        for rec_id in sorted(deltas)])


def judge(citizen: User, consultation: Consultation, grades: dict[int, int | None], *,
          now: datetime | None = None) -> None:
    """A registered resident with a confirmed email grades adopted recommendations, from 0
    (Excellent) to 6 (À rejeter); None removes a grade. Changeable until the close."""
    if citizen is None or not getattr(citizen, "is_authenticated", True):
        raise NotAllowed()
    if not citizen.is_confirmed:
        raise NotAllowed(_l("Confirmez d'abord votre adresse électronique."))
    for rec_id, grade in grades.items():
        if grade is not None and (not isinstance(grade, int) or not 0 <= grade < GRADE_COUNT):
            raise InvalidInput(_l("Mention inconnue."), field=f"rec_{rec_id}")
    allowed = set(db.session.scalars(select(Recommendation.id).where(
        Recommendation.convention_id == consultation.convention_id,
        Recommendation.status == Status.ADOPTED, Recommendation.id.in_(grades))))
    unknown = set(grades) - allowed
    if unknown:
        raise InvalidInput(_l("Seules les recommandations adoptées sont soumises à la "
                              "consultation."), field=f"rec_{min(unknown)}")
    now = now or utcnow()
    if not _lock_open(consultation, now):
        raise ConsultationClosed()
    joined = db.session.scalar(
        insert(ConsultationParticipant).values(consultation_id=consultation.id,
                                               citizen_id=citizen.id)
        .on_conflict_do_nothing().returning(ConsultationParticipant.citizen_id))
    if joined is not None:
        statement = insert(ConsultationTurnout).values(consultation_id=consultation.id,
                                                       shard=shard_of(citizen.id),
                                                       participants=1)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["consultation_id", "shard"],
            set_={"participants": ConsultationTurnout.__table__.c.participants + 1}))
    deltas: dict[int, dict[int, int]] = {}
    removed = [rec_id for rec_id, grade in grades.items() if grade is None]
    if removed:
        for rec_id, grade in db.session.execute(delete(Judgment).where(
                Judgment.recommendation_id.in_(removed), Judgment.citizen_id == citizen.id)
                .returning(Judgment.recommendation_id, Judgment.grade)):
            deltas[rec_id] = {grade: -1}
    given = sorted(rec_id for rec_id, grade in grades.items() if grade is not None)
    if given:
        # In id order, so two requests from one person lock rows in the same order.
        statement = insert(Judgment).values([
            {"consultation_id": consultation.id, "recommendation_id": rec_id,
             "citizen_id": citizen.id, "grade": grades[rec_id], "previous_grade": None,
             "updated_at": now} for rec_id in given])
        statement = statement.on_conflict_do_update(
            index_elements=["recommendation_id", "citizen_id"],
            # On the right, `judgment.grade` is the grade being replaced.
            set_={"grade": statement.excluded.grade,
                  "previous_grade": Judgment.__table__.c.grade,
                  "updated_at": statement.excluded.updated_at},
        ).returning(Judgment.recommendation_id, Judgment.grade, Judgment.previous_grade)
        for rec_id, grade, previous in db.session.execute(statement).all():
            if previous == grade:
                continue
            deltas[rec_id] = {grade: 1} if previous is None else {grade: 1, previous: -1}
    if deltas:
        _move(shard_of(citizen.id), deltas)


def my_grades(citizen: User | None, consultation: Consultation) -> dict[int, int]:
    if citizen is None or not getattr(citizen, "is_authenticated", False):
        return {}
    return dict(db.session.execute(select(Judgment.recommendation_id, Judgment.grade).where(
        Judgment.consultation_id == consultation.id, Judgment.citizen_id == citizen.id)).all())


def participants(consultation: Consultation) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(ConsultationTurnout.participants),
                                                  0)).where(
        ConsultationTurnout.consultation_id == consultation.id))


def grade_counts(recommendation_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Counts per recommendation from the counters: at most shards × recommendations rows."""
    rows = db.session.execute(
        select(JudgmentTally.recommendation_id, *(func.sum(c) for c in GRADE_COLUMNS))
        .where(JudgmentTally.recommendation_id.in_(recommendation_ids))
        .group_by(JudgmentTally.recommendation_id))
    counts = {rec_id: (0,) * GRADE_COUNT for rec_id in recommendation_ids}
    for rec_id, *values in rows:
        counts[rec_id] = tuple(int(v or 0) for v in values)
    return counts


def results(consultation: Consultation, recommendations: list[Recommendation]) -> list[Result]:
    """Each recommendation's distribution and majority grade, ranked by majority judgment."""
    counts = grade_counts([r.id for r in recommendations])
    voters = participants(consultation)
    effective, ungraded = {}, {}
    for rec_id, values in counts.items():
        missing = max(voters - sum(values), 0)
        ungraded[rec_id] = missing
        if consultation.ungraded_as_reject:
            values = values[:-1] + (values[-1] + missing,)
        effective[rec_id] = values
    order = majority_judgment.rank(effective)
    by_id = {r.id: r for r in recommendations}
    return [Result(by_id[rec_id], effective[rec_id], ungraded[rec_id],
                   majority_judgment.majority_grade(effective[rec_id]), position)
            for position, rec_id in enumerate(order, start=1)]


def results_visible(consultation: Consultation | None, viewer: User | None) -> bool:
    if consultation is None:
        return False
    if consultation.is_closed or not consultation.results_hidden_until_close:
        return True
    return bool(viewer and getattr(viewer, "is_authenticated", False) and viewer.is_manager)


def close_consultation(actor: User, consultation: Consultation, *,
                       now: datetime | None = None) -> None:
    """Staff close the consultation: no judgment after it; results are sealed and shown."""
    if actor is None or not actor.is_manager:
        raise NotAllowed()
    if db.session.scalar(select(Consultation.closed_at).where(
            Consultation.id == consultation.id).with_for_update()) is not None:
        raise ConsultationClosed(_l("La consultation est déjà close."))
    consultation.closed_at = now or utcnow()
    consultation.digest = verify_tally.digest(export_header(consultation),
                                              export_judgments(consultation))
    record(actor, "consultation_closed", consultation, digest=consultation.digest,
           participants=participants(consultation))


def export_header(consultation: Consultation) -> dict:
    return {"consultation_id": consultation.id, "participants": participants(consultation),
            "ungraded_as_reject": consultation.ungraded_as_reject}


def export_judgments(consultation: Consultation) -> list[dict]:
    """Judgments without any identity: recommendation and grade only."""
    rows = db.session.execute(select(Judgment.recommendation_id, Judgment.grade).where(
        Judgment.consultation_id == consultation.id).order_by(Judgment.recommendation_id,
                                                              Judgment.grade))
    return [{"recommendation_id": rec_id, "grade": grade} for rec_id, grade in rows]


def is_open(consultation: Consultation, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return consultation.closed_at is None and consultation.opened_at <= now < \
        consultation.closes_at
