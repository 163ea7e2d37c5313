"""Rules for publishing the report, answering recommendations and following them up."""

from __future__ import annotations

import hashlib
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from convention.assembly.models import Convention, PhaseKind
from convention.assembly.services import require_manager
from convention.audit.services import record
from convention.auth.models import Role, User
from convention.clock import utcnow
from convention.discussion.models import Follow, TargetKind, Thread
from convention.errors import ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.ledger import services as ledger
from convention.proposals.models import Recommendation, Status
from convention.publication.models import (
    Answer,
    AnswerAssessment,
    AnswerKind,
    FollowUpUpdate,
    ReportEdition,
    ReportEditionFile,
)
from convention.publication.renderers import RENDERERS, render
from convention.publication.report import build_report, digest

ANSWER_PHASES = frozenset({PhaseKind.PUBLICATION, PhaseKind.FOLLOW_UP})


def publish_report(actor: User, convention: Convention) -> ReportEdition:
    """Freeze the report as it is now as a new, dated edition; earlier editions stay."""
    require_manager(actor, convention.id)
    data = build_report(convention)
    if data["recommendation_count"] == 0:
        raise ConventionError(_l("Aucune recommandation adoptée : le rapport serait vide."))
    number = (
        db.session.scalar(
            select(func.max(ReportEdition.number)).where(
                ReportEdition.convention_id == convention.id
            )
        )
        or 0
    ) + 1
    edition = ReportEdition(
        convention_id=convention.id,
        number=number,
        data=data,
        sha256=digest(data),
        published_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(edition)
            db.session.flush()
    except IntegrityError:
        raise ConventionError(
            _l("Une autre édition vient d'être publiée : rechargez la page.")
        ) from None
    record(actor, "report.publish", edition, number=number, sha256=edition.sha256)
    ledger.append(
        "report_published",
        {"edition": number, "sha256": edition.sha256},
        convention_slug=convention.slug,
    )
    return edition


def editions(convention: Convention) -> list[ReportEdition]:
    return list(
        db.session.scalars(
            select(ReportEdition)
            .where(ReportEdition.convention_id == convention.id)
            .order_by(ReportEdition.number.desc())
        )
    )


def _stored_file(edition: ReportEdition, fmt: str) -> ReportEditionFile | None:
    """The kept file with its content (`edition_files` lists them without)."""
    return db.session.scalar(
        select(ReportEditionFile)
        .where(ReportEditionFile.edition_id == edition.id, ReportEditionFile.format == fmt)
        .options(undefer(ReportEditionFile.content))
    )


class FileBeingPrepared(ConventionError):
    message = _l("Ce fichier est en cours de préparation. Réessayez dans un instant.")


def edition_file(edition: ReportEdition, fmt: str, *, wait: bool = True) -> ReportEditionFile:
    """The edition in `fmt`: the kept file, or rendered from the frozen data and kept (the
    caller commits). Rendered once: at publication (see `jobs.render_edition`), or at the
    first download of an edition published before the files were kept or whose rendering
    failed. On PostgreSQL a lock per edition and format keeps two renderings of one file from
    running at once: whoever comes meanwhile waits for the file, or with `wait=False` (a
    download, which must not hold a web worker for the length of a PDF) is refused with
    FileBeingPrepared."""
    if fmt not in RENDERERS:
        raise ValueError(fmt)
    found = _stored_file(edition, fmt)
    if found is not None:
        return found
    if db.session.get_bind().dialect.name == "postgresql":
        # Held until the caller's commit; the two-key form is used nowhere else.
        key = (edition.id, list(RENDERERS).index(fmt))
        if wait:
            db.session.execute(select(func.pg_advisory_xact_lock(*key)))
        elif not db.session.scalar(select(func.pg_try_advisory_xact_lock(*key))):
            raise FileBeingPrepared()
        found = _stored_file(edition, fmt)  # kept by whoever held the lock
        if found is not None:
            return found
    content = render(edition.data, fmt, edition=edition.number)
    rendered = ReportEditionFile(
        edition_id=edition.id,
        format=fmt,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(rendered)
    except IntegrityError:
        # Kept meanwhile by another download (SQLite, which has no such lock): the same file.
        kept = _stored_file(edition, fmt)
        if kept is None:  # refused for another reason than that file
            raise
        return kept
    return rendered


def edition_files(editions: list[ReportEdition]) -> dict[tuple[int, str], ReportEditionFile]:
    """The files already kept, by (edition id, format), without their content."""
    return {
        (f.edition_id, f.format): f
        for f in db.session.scalars(
            select(ReportEditionFile).where(
                ReportEditionFile.edition_id.in_([e.id for e in editions])
            )
        )
    }


def _require_adopted(recommendation: Recommendation) -> None:
    if recommendation.status != Status.ADOPTED:
        raise InvalidInput(
            _l(
                "Seules les recommandations adoptées par les membres reçoivent "
                "une réponse et un suivi ; %(ref)s est « %(status)s ».",
                ref=recommendation.reference,
                status=recommendation.status.label,
            )
        )


def record_answer(
    actor: User,
    recommendation: Recommendation,
    *,
    kind: AnswerKind,
    service: str,
    public_text: str,
    reasons: str = "",
    due_on: date | None = None,
    today: date | None = None,
) -> Answer:
    """Comply or explain: a rejection states its reasons; a study has a due date to come."""
    require_manager(actor, recommendation.convention_id)
    _require_adopted(recommendation)
    today = today or utcnow().date()
    reasons, service, public_text = reasons.strip(), service.strip(), public_text.strip()
    if not isinstance(kind, AnswerKind):
        raise InvalidInput(_l("Choisissez le sens de la réponse."), field="kind")
    if not service:
        raise InvalidInput(_l("Indiquez le service responsable."), field="service")
    if not public_text:
        raise InvalidInput(_l("Écrivez le texte public de la réponse."), field="public_text")
    if kind == AnswerKind.REJECTED and not reasons:
        raise InvalidInput(
            _l(
                "Une recommandation non retenue doit l'être pour des raisons "
                "écrites : indiquez-les."
            ),
            field="reasons",
        )
    if kind == AnswerKind.UNDER_STUDY:
        if due_on is None:
            raise InvalidInput(_l("Indiquez la date à laquelle l'étude aboutira."), field="due_on")
        if due_on <= today:
            raise InvalidInput(_l("L'échéance doit être dans le futur."), field="due_on")
    answer = db.session.scalar(select(Answer).where(Answer.recommendation_id == recommendation.id))
    if answer is None:
        answer = Answer(recommendation=recommendation, author_id=actor.id)
        db.session.add(answer)
    answer.kind, answer.service, answer.public_text = kind, service, public_text
    answer.reasons = reasons
    answer.due_on = due_on if kind == AnswerKind.UNDER_STUDY else None
    answer.updated_at = utcnow()
    db.session.flush()
    record(
        actor,
        "answer.record",
        answer,
        recommendation=recommendation.reference,
        kind=kind,
        published=answer.published_at is not None,
    )
    return answer


def publish_answers(actor: User, answers: list[Answer]) -> int:
    """Publish answers one by one or all together; returns how many became public."""
    for answer in answers:
        require_manager(actor, answer.recommendation.convention_id)
    now, count = utcnow(), 0
    for answer in answers:
        if answer.published_at is None:
            answer.published_at = now
            count += 1
            record(actor, "answer.publish", answer, recommendation=answer.recommendation.reference)
    return count


def is_overdue(answer: Answer | None, convention: Convention, today: date) -> bool:
    """Under study past its due date, or no public answer once the answering period ended."""
    if answer is not None and answer.published_at is not None:
        return (
            answer.kind == AnswerKind.UNDER_STUDY
            and answer.due_on is not None
            and answer.due_on < today
        )
    phase = convention.phase(PhaseKind.PUBLICATION)
    return bool(phase and phase.ends_on and phase.ends_on.date() < today)


def post_follow_up(
    actor: User,
    recommendation: Recommendation,
    *,
    happened_on: date,
    progress: int,
    text: str,
    links: str = "",
) -> tuple[FollowUpUpdate, list[User]]:
    """Record implementation progress; returns the update and the followers to email."""
    require_manager(actor, recommendation.convention_id)
    _require_adopted(recommendation)
    text = text.strip()
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(_l("L'avancement est un pourcentage entre 0 et 100."), field="progress")
    if not text:
        raise InvalidInput(_l("Décrivez où en est la mise en œuvre."), field="text")
    if happened_on is None:
        raise InvalidInput(_l("Indiquez la date."), field="happened_on")
    for line in links.splitlines():
        url = line.rpartition("|")[2].strip()
        if url and not url.startswith(("https://", "http://")):
            raise InvalidInput(
                _l(
                    "Chaque lien doit être une adresse web (http:// ou https://) : « %(line)s ».",
                    line=line.strip(),
                ),
                field="links",
            )
    update = FollowUpUpdate(
        recommendation=recommendation,
        happened_on=happened_on,
        progress=progress,
        text=text,
        links=links.strip(),
        author_id=actor.id,
    )
    db.session.add(update)
    db.session.flush()
    record(
        actor, "follow_up.post", update, recommendation=recommendation.reference, progress=progress
    )
    followers = list(
        db.session.scalars(
            select(User)
            .join(Follow, Follow.user_id == User.id)
            .join(Thread, Thread.id == Follow.thread_id)
            .where(Thread.about(TargetKind.RECOMMENDATION, recommendation.id))
        )
    )
    return update, followers


def assess_answer(actor: User, answer: Answer, convention: Convention, grade: int) -> None:
    """Members grade a published answer from 0 to 10 and may change their grade (upsert)."""
    if actor.role_in(convention.id) != Role.MEMBER:
        raise NotAllowed(_l("Seuls les membres de la convention évaluent les réponses."))
    if answer.published_at is None:
        raise NotAllowed(_l("Cette réponse n'est pas encore publiée."))
    if convention.current_phase not in ANSWER_PHASES:
        raise WrongPhase()
    if not isinstance(grade, int) or not 0 <= grade <= 10:
        raise InvalidInput(_l("La note va de 0 à 10."), field="grade")
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(AnswerAssessment).values(
        answer_id=answer.id, member_id=actor.id, grade=grade, assessed_at=utcnow()
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["answer_id", "member_id"],
            set_={"grade": statement.excluded.grade, "assessed_at": statement.excluded.assessed_at},
        )
    )
    db.session.expire(answer, ["assessments"])


def answers_by_recommendation(recommendations: list[Recommendation]) -> dict[int, Answer]:
    ids = [r.id for r in recommendations]
    if not ids:
        return {}
    return {
        a.recommendation_id: a
        for a in db.session.scalars(select(Answer).where(Answer.recommendation_id.in_(ids)))
    }
