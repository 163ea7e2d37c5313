"""The public consultation: residents grade the adopted recommendations by majority judgment.

One judgment per citizen and recommendation is a unique constraint; changing a grade is an
INSERT … ON CONFLICT DO UPDATE. The grade counters and the turnout are kept by database
triggers in the statement that writes the judgment (migration 0007), sharded over
`TALLY_SHARDS` rows per recommendation so that people grading the same recommendation at the
same moment seldom wait for one another. On PostgreSQL a whole judgment (checks, lock, writes,
counters) is a single statement, one round trip.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlalchemy.engine import Engine

from convention.assembly import services as assembly
from convention.assembly.models import Convention, PhaseKind
from convention.audit.services import record
from convention.auth.models import Role, User
from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.errors import ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.ledger import services as ledger
from convention.proposals.models import Recommendation, Status
from convention.votes import verify_tally
from convention.votes.models import (
    GRADE_COUNT,
    Consultation,
    ConsultationParticipant,
    ConsultationTurnout,
    Judgment,
    JudgmentTally,
)
from convention.votes.rules import rules_for
from convention.votes.upsert import insert

GRADE_LABELS = (
    _l("Excellent"),
    _l("Très bien"),
    _l("Bien"),
    _l("Assez bien"),
    _l("Passable"),
    _l("Insuffisant"),
    _l("À rejeter"),
)
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


def consultation_for(convention: Convention) -> Consultation | None:
    return db.session.scalar(
        select(Consultation).where(Consultation.convention_id == convention.id)
    )


def adopted_in(convention_id: int) -> list[Recommendation]:
    """The recommendations the public judges: those the members adopted."""
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.convention_id == convention_id,
                Recommendation.status == Status.ADOPTED,
            )
            .order_by(Recommendation.number)
        )
    )


def adopted_ids(convention_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Recommendation.id)
            .where(
                Recommendation.convention_id == convention_id,
                Recommendation.status == Status.ADOPTED,
            )
            .order_by(Recommendation.number)
        )
    )


def open_consultation(
    actor: User, convention: Convention, closes_at: datetime, *, now: datetime | None = None
) -> Consultation:
    """Staff open the consultation during its phase, with the convention's current settings."""
    if actor is None or not actor.manages(convention.id):
        raise NotAllowed()
    if convention.current_phase != PhaseKind.CONSULTATION:
        raise WrongPhase()
    now = now or utcnow()
    if closes_at <= now:
        raise InvalidInput(_l("La clôture doit être dans le futur."), field="closes_at")
    if consultation_for(convention) is not None:
        raise ConventionError(_l("La consultation a déjà été ouverte."))
    rules = rules_for(convention)
    consultation = Consultation(
        convention_id=convention.id,
        opened_at=now,
        closes_at=closes_at,
        ungraded_as_reject=rules.ungraded_as_reject,
        results_hidden_until_close=rules.results_hidden_until_close,
        staff_may_judge=rules.staff_may_judge,
    )
    db.session.add(consultation)
    db.session.flush()
    record(actor, "consultation_opened", consultation, closes_at=closes_at)
    ledger.append(
        "consultation_opened",
        {
            "consultation_id": consultation.id,
            "opened_at": now,
            "closes_at": closes_at,
            "ungraded_as_reject": consultation.ungraded_as_reject,
            "results_hidden_until_close": consultation.results_hidden_until_close,
            "staff_may_judge": consultation.staff_may_judge,
        },
        convention_slug=convention.slug,
    )
    return consultation


# On PostgreSQL a judgment is this one statement. It finds the consultation (the current one
# when none is given), checks that the citizen exists with a confirmed email, that every
# recommendation is an adopted one of its convention and that the consultation is open; only
# then does it record the participant and upsert the grades in recommendation order, a grade
# taken back becoming NULL. If a check fails, nothing is
# written. The counters move in the same statement, by the triggers of migration 0007, in the
# order of the rows: every judgment takes its counter rows in recommendation order, so two
# never deadlock. Judgments take no lock on the consultation row (a shared row lock taken by
# every judgment is a hot spot: each new holder rewrites the row's lock list); the close
# locks the judgment table instead, see `close_consultation`.
_JUDGE_POSTGRESQL = text("""
WITH citizen AS (
    SELECT id FROM user_account WHERE id = :citizen AND email_confirmed_at IS NOT NULL
), target AS (
    SELECT id, convention_id FROM consultation
    WHERE id = COALESCE(CAST(:consultation AS integer), (SELECT id FROM consultation
        WHERE convention_id = (SELECT id FROM convention WHERE slug = :convention)))
), wanted AS (
    SELECT * FROM unnest(CAST(:recommendations AS integer[]), CAST(:grades AS smallint[]))
        AS w (recommendation_id, grade)
), valid AS (
    SELECT w.recommendation_id, w.grade FROM wanted AS w
    JOIN recommendation AS r ON r.id = w.recommendation_id
    WHERE r.convention_id = (SELECT convention_id FROM target) AND r.status = 'adopted'
), open_consultation AS (
    SELECT id FROM consultation
    WHERE id = (SELECT id FROM target) AND closed_at IS NULL
      AND opened_at <= :now AND closes_at > :now
      AND (SELECT count(*) FROM valid) = cardinality(CAST(:recommendations AS integer[]))
      AND EXISTS (SELECT FROM citizen)
      AND (staff_may_judge OR NOT EXISTS (
          SELECT FROM convention_role WHERE user_id = :citizen AND role = 'staff'
              AND convention_id = (SELECT convention_id FROM target)
          UNION ALL SELECT FROM user_account WHERE id = :citizen AND role = 'admin'))
), joined AS (
    INSERT INTO consultation_participant (consultation_id, citizen_id)
    SELECT id, :citizen FROM open_consultation
    ON CONFLICT DO NOTHING
), given AS (
    INSERT INTO judgment (consultation_id, recommendation_id, citizen_id, grade, updated_at)
    SELECT o.id, v.recommendation_id, :citizen, v.grade, :now
    FROM open_consultation AS o, valid AS v
    WHERE v.grade IS NOT NULL OR EXISTS (SELECT FROM judgment AS j WHERE
        j.recommendation_id = v.recommendation_id AND j.citizen_id = :citizen)
    ORDER BY v.recommendation_id
    ON CONFLICT (recommendation_id, citizen_id) DO UPDATE
    SET grade = excluded.grade, updated_at = excluded.updated_at
    WHERE judgment.grade IS DISTINCT FROM excluded.grade
)
SELECT (SELECT count(*) FROM target) AS found, (SELECT count(*) FROM open_consultation) AS written,
       (SELECT array_agg(recommendation_id) FROM valid) AS valid
""").bindparams(bindparam("now", type_=UTCDateTime()))
# The same statement as psycopg takes it (%(name)s placeholders), for `judge_signed_in`.
_JUDGE_FOR_PSYCOPG = str(_JUDGE_POSTGRESQL.compile(dialect=postgresql_psycopg.dialect()))


def _statement_parameters(
    citizen_id: int,
    consultation: int | str,
    grades: dict[int, int | None],
    now: datetime,
) -> dict:
    """`_JUDGE_POSTGRESQL`'s parameters: the grades as two arrays in recommendation order; the
    consultation by its id, or (an address's slug) as its convention's."""
    ids = sorted(grades)
    return {
        "recommendations": ids,
        "grades": [grades[i] for i in ids],
        "citizen": citizen_id,
        "consultation": consultation if isinstance(consultation, int) else None,
        "convention": consultation if isinstance(consultation, str) else None,
        "now": now,
    }


def _check_grades(grades: dict[int, int | None]) -> None:
    for rec_id, grade in grades.items():
        if grade is not None and (not isinstance(grade, int) or not 0 <= grade < GRADE_COUNT):
            raise InvalidInput(_l("Mention inconnue."), field=f"rec_{rec_id}")


def _refuse_unknown(grades: dict[int, int | None], valid) -> None:
    unknown = set(grades) - set(valid or ())
    if unknown:
        raise InvalidInput(
            _l("Seules les recommandations adoptées sont soumises à la consultation."),
            field=f"rec_{min(unknown)}",
        )


def judge(
    citizen: User,
    consultation: Consultation,
    grades: dict[int, int | None],
    *,
    now: datetime | None = None,
) -> None:
    """A registered resident with a confirmed email grades adopted recommendations, from 0
    (Excellent) to 6 (À rejeter); None takes a grade back. Changeable until the close.
    On a refusal nothing is written."""
    _judge(citizen, consultation, grades, now or utcnow())


def judge_current(citizen: User, convention_slug: str, grades: dict[int, int | None]) -> None:
    """`judge` in the consultation of the convention `convention_slug` (the address's), found
    by the statement itself: the page's form needs no query before it."""
    _judge(citizen, convention_slug, grades, utcnow())


def judge_signed_in(citizen_id: int, convention_slug: str, grades: dict[int, int | None]) -> bool:
    """The consultation form's fast path on PostgreSQL: `judge_current` for the person signed in
    as `citizen_id`, without loading them (the statement checks they exist and are confirmed),
    as one statement, committed when this returns: one round trip to the database. True when
    it was written; False when it was not attempted (SQLite) or wrote nothing, and then the
    caller goes through `judge_current`, which says why. A grade out of range is refused as
    by `judge`."""
    _check_grades(grades)
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    parameters = _statement_parameters(citizen_id, convention_slug, grades, utcnow())
    if isinstance(bind, Engine):
        written = _judge_on_the_driver(bind, parameters)
    else:
        # The session is bound to a connection inside a transaction of the caller's (as the
        # tests bind it): the statement joins that transaction, which the request commits.
        written = db.session.execute(_JUDGE_POSTGRESQL, parameters).one().written
    return bool(written)


def _judge_on_the_driver(engine: Engine, parameters: dict) -> bool:
    """The statement on a pooled connection, through the driver itself and in autocommit (a
    statement is atomic on its own: no BEGIN and COMMIT round trips). SQLAlchemy's execution
    layer (connection wrapper, isolation level set and reset, result wrapping) cost the web
    worker as much as the statement: 320 µs of processor per judgment against 160 µs here,
    and 150 µs less waiting (2,000 judgments in one process; under load in bench/votes.py).
    The connection goes back to the pool as it came: not in autocommit."""
    proxied = engine.raw_connection()
    try:
        driver = proxied.driver_connection
        if driver is None:  # only a connection invalidated since its checkout has none
            raise RuntimeError("the pooled connection has no driver connection")
        driver.autocommit = True
        try:
            _found, written, _valid = driver.execute(_JUDGE_FOR_PSYCOPG, parameters).fetchone()
            return bool(written)
        finally:
            driver.autocommit = False
    finally:
        proxied.close()


def _judge(
    citizen: User,
    consultation: Consultation | str,
    grades: dict[int, int | None],
    now: datetime,
) -> None:
    """`consultation`, or the slug of the convention whose consultation it is."""
    if citizen is None or not getattr(citizen, "is_authenticated", True):
        raise NotAllowed()
    if not citizen.is_confirmed:
        raise NotAllowed(_l("Confirmez d'abord votre adresse électronique."))
    _check_grades(grades)
    found_here = (
        consultation
        if isinstance(consultation, Consultation)
        else consultation_for(assembly.serve(consultation))
    )
    if found_here is None:
        raise ConsultationClosed()
    if not may_judge(citizen, found_here):
        raise NotAllowed(
            _l(
                "L'équipe de la collectivité organise cette consultation et n'y donne pas "
                "son avis : seuls les habitants jugent les recommandations."
            )
        )
    if db.session.get_bind().dialect.name != "postgresql":
        _judge_step_by_step(citizen, found_here, grades, now)
        return
    found, written, valid = db.session.execute(
        _JUDGE_POSTGRESQL,
        _statement_parameters(
            citizen.id,
            found_here.id,
            grades,
            now,
        ),
    ).one()
    if not written:
        if found:
            _refuse_unknown(grades, valid)
        raise ConsultationClosed()


def may_judge(person: User, consultation: Consultation) -> bool:
    """Registered residents with a confirmed address judge; the convention's staff and the
    site's administrators only when the rules the consultation opened with allow it."""
    if consultation.staff_may_judge:
        return True
    return person.role_in(consultation.convention_id) not in (Role.STAFF, Role.ADMIN)


def _judge_step_by_step(
    citizen: User, consultation: Consultation, grades: dict[int, int | None], now: datetime
) -> None:
    """The same judgment on SQLite, which has no data-modifying WITH; SQLite runs one writer
    at a time, so the consultation cannot close between the check and the writes."""
    _refuse_unknown(
        grades,
        db.session.scalars(
            select(Recommendation.id).where(
                Recommendation.convention_id == consultation.convention_id,
                Recommendation.status == Status.ADOPTED,
                Recommendation.id.in_(grades),
            )
        ),
    )
    if not is_open(db.session.get_one(Consultation, consultation.id, populate_existing=True), now):
        raise ConsultationClosed()
    db.session.execute(
        insert(ConsultationParticipant)
        .values(consultation_id=consultation.id, citizen_id=citizen.id)
        .on_conflict_do_nothing()
    )
    taken_back = [rec_id for rec_id, grade in grades.items() if grade is None]
    existing = (
        set(
            db.session.scalars(
                select(Judgment.recommendation_id).where(
                    Judgment.citizen_id == citizen.id, Judgment.recommendation_id.in_(taken_back)
                )
            )
        )
        if taken_back
        else set()
    )
    rows = [
        {
            "consultation_id": consultation.id,
            "recommendation_id": rec_id,
            "citizen_id": citizen.id,
            "grade": grades[rec_id],
            "updated_at": now,
        }
        for rec_id in sorted(grades)
        if grades[rec_id] is not None or rec_id in existing
    ]
    if rows:
        statement = insert(Judgment).values(rows)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["recommendation_id", "citizen_id"],
                set_={
                    "grade": statement.excluded.grade,
                    "updated_at": statement.excluded.updated_at,
                },
                where=Judgment.__table__.c.grade.is_distinct_from(statement.excluded.grade),
            )
        )


def my_grades(citizen: User | None, consultation: Consultation) -> dict[int, int]:
    if citizen is None or not getattr(citizen, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(Judgment.recommendation_id, Judgment.grade).where(
            Judgment.consultation_id == consultation.id,
            Judgment.citizen_id == citizen.id,
            Judgment.grade.is_not(None),
        )
    ).tuples()
    return {rec_id: grade for rec_id, grade in rows if grade is not None}


def participants(consultation: Consultation) -> int:
    return db.session.execute(
        select(func.coalesce(func.sum(ConsultationTurnout.participants), 0)).where(
            ConsultationTurnout.consultation_id == consultation.id
        )
    ).scalar_one()


def grade_counts(recommendation_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Counts per recommendation from the counters: at most shards × recommendations rows."""
    rows = db.session.execute(
        select(JudgmentTally.recommendation_id, *(func.sum(c) for c in GRADE_COLUMNS))
        .where(JudgmentTally.recommendation_id.in_(recommendation_ids))
        .group_by(JudgmentTally.recommendation_id)
    )
    counts = {rec_id: (0,) * GRADE_COUNT for rec_id in recommendation_ids}
    for rec_id, *values in rows:
        counts[rec_id] = tuple(int(v or 0) for v in values)
    return counts


def results(
    consultation: Consultation, recommendations: list[Recommendation], *, voters: int | None = None
) -> list[Result]:
    """Each recommendation's distribution and majority grade, ranked by majority judgment,
    from the counters (`voters`: the turnout, when the caller already has it)."""
    counts = grade_counts([r.id for r in recommendations])
    if voters is None:
        voters = participants(consultation)
    by_id = {r.id: r for r in recommendations}
    return [
        Result(
            by_id[row["recommendation_id"]],
            tuple(row["counts"]),
            row["ungraded"],
            row["majority_grade"],
            row["rank"],
        )
        for row in verify_tally.ranked_results(counts, voters, consultation.ungraded_as_reject)
    ]


def results_visible(consultation: Consultation | None, viewer: User | None) -> bool:
    if consultation is None:
        return False
    if consultation.is_closed or not consultation.results_hidden_until_close:
        return True
    return bool(
        viewer
        and getattr(viewer, "is_authenticated", False)
        and viewer.manages(consultation.convention_id)
    )


def close_consultation(
    actor: User, consultation: Consultation, *, now: datetime | None = None
) -> None:
    """Staff close the consultation: no judgment after it; results are sealed and shown."""
    if actor is None or not actor.manages(consultation.convention_id):
        raise NotAllowed()
    if db.session.get_bind().dialect.name == "postgresql":
        # A judgment holds the judgment table in ROW EXCLUSIVE mode from its statement to its
        # commit. This lock waits for the judgments in flight, which the seal then includes,
        # and holds back the next ones until the close commits: their statement only takes its
        # snapshot once it has the table, so it sees the consultation closed and is refused.
        db.session.execute(text("LOCK TABLE judgment IN SHARE ROW EXCLUSIVE MODE"))
    if (
        db.session.scalar(
            select(Consultation.closed_at)
            .where(Consultation.id == consultation.id)
            .with_for_update()
        )
        is not None
    ):
        raise ConsultationClosed(_l("La consultation est déjà close."))
    consultation.closed_at = now or utcnow()
    header = export_header(consultation)
    consultation.digest = verify_tally.digest(header, export_judgments(consultation))
    consultation.sealed_export = export_text(consultation)
    record(
        actor,
        "consultation_closed",
        consultation,
        digest=consultation.digest,
        participants=header["participants"],
    )
    ledger.append(
        "consultation_closed",
        {
            "consultation_id": consultation.id,
            "closed_at": consultation.closed_at,
            "digest": consultation.digest,
            "participants": header["participants"],
            "recommendation_ids": header["recommendation_ids"],
        },
        convention_slug=db.session.get_one(Convention, consultation.convention_id).slug,
    )


def export_text(consultation: Consultation) -> str:
    """The closed consultation's public export: the anonymous judgments, the recommendations
    judged and the results (from the counters, by the function the checker recomputes them
    with from the judgments), with the digest. Kept at the close and served as it was."""
    header = export_header(consultation)
    judgments = export_judgments(consultation)
    recommendation_ids = adopted_ids(consultation.convention_id)
    results = verify_tally.ranked_results(
        grade_counts(recommendation_ids), header["participants"], header["ungraded_as_reject"]
    )
    body = {
        "format": verify_tally.CONSULTATION_FORMAT,
        "header": header,
        "recommendation_ids": recommendation_ids,
        "judgments": judgments,
        "results": results,
        "digest": consultation.digest,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True) + "\n"


def published_export(consultation: Consultation) -> str:
    """What the public downloads: the text kept at the close (rebuilt only for a consultation
    closed before exports were kept)."""
    return consultation.sealed_export or export_text(consultation)


def export_header(consultation: Consultation) -> dict:
    """What the digest seals beside the judgments: the rules and the recommendations judged,
    so that none can be added to the results under the same digest."""
    return {
        "consultation_id": consultation.id,
        "participants": participants(consultation),
        "ungraded_as_reject": consultation.ungraded_as_reject,
        "staff_may_judge": consultation.staff_may_judge,
        "recommendation_ids": adopted_ids(consultation.convention_id),
    }


def export_judgments(consultation: Consultation) -> list[dict]:
    """Judgments without any identity: recommendation and grade only (grades taken back are
    not judgments)."""
    rows = db.session.execute(
        select(Judgment.recommendation_id, Judgment.grade)
        .where(Judgment.consultation_id == consultation.id, Judgment.grade.is_not(None))
        .order_by(Judgment.recommendation_id, Judgment.grade)
    )
    return [{"recommendation_id": rec_id, "grade": grade} for rec_id, grade in rows]


def is_open(consultation: Consultation, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return consultation.closed_at is None and consultation.opened_at <= now < consultation.closes_at
