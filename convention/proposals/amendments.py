"""Amendments: a group member proposes a change, the facilitator opens the group's vote,
members vote, and an accepted amendment becomes a new version.

Amendments to one recommendation are handled in order. An amendment is written against a base
version; when another change lands first, an amendment whose fields were not touched follows
automatically, and one whose fields changed is marked conflicting until its author rebases it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from convention.assembly.models import Convention, PhaseKind
from convention.auth.models import User
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.proposals import lifecycle
from convention.proposals.diff import FieldDiff, compare_changes
from convention.proposals.models import (
    PENDING_AMENDMENT,
    Amendment,
    AmendmentStatus,
    AmendmentVote,
    Choice,
    Recommendation,
)
from convention.proposals.services import clean_fields, new_version, record_event


class AmendmentClosed(ConventionError):
    message = _l("Le vote sur cet amendement n'est pas ouvert.")


def _changes(recommendation: Recommendation, changes: dict[str, str]) -> dict[str, str]:
    """Keep only the fields that really change; at least one must."""
    cleaned = clean_fields(changes, partial=True)
    real = {k: v for k, v in cleaned.items() if v != (getattr(recommendation, k) or "")}
    if not real:
        raise InvalidInput(_l("L'amendement ne change rien au texte actuel."))
    return real


def _justification(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            _l("Expliquez pourquoi vous proposez cet amendement."), field="justification"
        )
    if len(text) > 3000:
        raise InvalidInput(
            _l("La justification dépasse %(n)d caractères.", n=3000), field="justification"
        )
    return text


def preview_amendment(
    actor: User,
    recommendation: Recommendation,
    convention: Convention,
    changes: dict[str, str],
    justification: str,
) -> list[FieldDiff]:
    """What an amendment would change, field by field against the current version, under the
    same rules as depositing it; nothing is written."""
    lifecycle.check("amend", actor, recommendation, convention)
    real = _changes(recommendation, changes)
    _justification(justification)
    return compare_changes(recommendation.current_version, real)


def propose_amendment(
    actor: User,
    recommendation: Recommendation,
    convention: Convention,
    changes: dict[str, str],
    justification: str,
) -> Amendment:
    """Any member of the group proposes a change to a published recommendation."""
    lifecycle.check("amend", actor, recommendation, convention)
    real = _changes(recommendation, changes)
    reason = _justification(justification)
    recommendation.amendment_count += 1
    amendment = Amendment(
        number=recommendation.amendment_count,
        author=actor,
        base_version=recommendation.current_version,
        changes=real,
        justification=reason,
        status=AmendmentStatus.PROPOSED,
    )
    try:
        with db.session.begin_nested():
            recommendation.amendments.append(amendment)
            db.session.flush()
    except IntegrityError:
        raise ConventionError(_l("Un autre amendement vient d'être déposé : réessayez.")) from None
    return amendment


def rebase_amendment(
    actor: User,
    amendment: Amendment,
    convention: Convention,
    changes: dict[str, str],
    justification: str | None = None,
) -> Amendment:
    """The author rewrites a pending amendment against the current version."""
    recommendation = amendment.recommendation
    if actor.id != amendment.author_id:
        raise NotAllowed(_l("Seul l'auteur de l'amendement peut le mettre à jour."))
    if amendment.status not in {AmendmentStatus.PROPOSED, AmendmentStatus.CONFLICTING}:
        raise AmendmentClosed(_l("Cet amendement ne peut plus être modifié."))
    lifecycle.check("amend", actor, recommendation, convention)
    amendment.changes = _changes(recommendation, changes)
    if justification is not None:
        amendment.justification = _justification(justification)
    amendment.base_version = recommendation.current_version
    amendment.status = AmendmentStatus.PROPOSED
    return amendment


def withdraw_amendment(actor: User, amendment: Amendment) -> None:
    if actor.id != amendment.author_id:
        raise NotAllowed()
    if amendment.status not in {AmendmentStatus.PROPOSED, AmendmentStatus.CONFLICTING}:
        raise AmendmentClosed(_l("Un amendement en cours de vote ou décidé ne peut être retiré."))
    amendment.status = AmendmentStatus.WITHDRAWN


def is_stale(amendment: Amendment) -> bool:
    return amendment.base_version_id != amendment.recommendation.current_version.id


def _follows_cleanly(amendment: Amendment) -> bool:
    """Whether the fields the amendment changes are the same in its base and in the current
    version, so it can move onto the current version unchanged."""
    base, current = amendment.base_version, amendment.recommendation.current_version
    return all(getattr(base, f) == getattr(current, f) for f in amendment.changes)


def _rebase_or_flag(amendment: Amendment) -> bool:
    """Move a stale amendment onto the current text, or flag it as conflicting (then True)."""
    if not is_stale(amendment):
        return False
    if _follows_cleanly(amendment):
        amendment.base_version = amendment.recommendation.current_version
        return False
    amendment.status = AmendmentStatus.CONFLICTING
    return True


def why_not_open_yet(amendment: Amendment) -> LazyString | None:
    """Why a proposed amendment cannot be put to the vote now (its turn has not come), or
    None: amendments are voted on in order, one vote at a time."""
    recommendation = amendment.recommendation
    earlier = [
        a
        for a in recommendation.amendments
        if a.number < amendment.number
        and a.status in {AmendmentStatus.PROPOSED, AmendmentStatus.VOTING}
    ]
    if earlier:
        return _l(
            "Les amendements sont traités dans l'ordre : l'amendement "
            "n° %(n)d doit être décidé d'abord.",
            n=earlier[0].number,
        )
    if any(a.status == AmendmentStatus.VOTING for a in recommendation.amendments):
        return _l("Un autre vote est déjà ouvert sur cette recommandation.")
    return None


def open_vote(actor: User, amendment: Amendment, convention: Convention) -> None:
    """The facilitator opens the group's vote, oldest amendment first, one vote at a time."""
    recommendation = amendment.recommendation
    lifecycle.check("decide_amendment", actor, recommendation, convention)
    if amendment.status != AmendmentStatus.PROPOSED:
        raise AmendmentClosed(_l("Seul un amendement proposé peut être mis au vote."))
    waiting = why_not_open_yet(amendment)
    if waiting is not None:
        raise ConventionError(waiting)
    if _rebase_or_flag(amendment):
        raise ConventionError(
            _l(
                "Le texte a changé depuis le dépôt de cet amendement : son "
                "auteur doit le mettre à jour avant le vote."
            )
        )
    amendment.status = AmendmentStatus.VOTING
    amendment.vote_opened_at = utcnow()
    record_event(recommendation, "amendment_vote_opened", actor, amendment=amendment.number)


def cast_vote(actor: User, amendment: Amendment, convention: Convention, choice: Choice) -> None:
    """A group member votes for, against or abstains; voting again changes the vote.

    One vote per member and amendment is a unique constraint; the write is one
    INSERT ... ON CONFLICT DO UPDATE, so two simultaneous submissions leave one vote.
    """
    recommendation = amendment.recommendation
    if "member" not in lifecycle.relations(actor, recommendation):
        raise NotAllowed(_l("Seuls les membres du groupe votent sur ses amendements."))
    if convention.current_phase != PhaseKind.DELIBERATION:
        raise WrongPhase()
    if not isinstance(choice, Choice):
        raise InvalidInput(_l("Choix de vote inconnu."), field="choice")
    # Read the status again under a row lock: a close committed meanwhile is seen, and a close
    # in progress waits for this vote (PostgreSQL; SQLite serialises writers anyway).
    if _locked_status(amendment) != AmendmentStatus.VOTING:
        raise AmendmentClosed()
    values = {
        "amendment_id": amendment.id,
        "user_id": actor.id,
        "choice": choice,
        "cast_at": utcnow(),
    }
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(AmendmentVote).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["amendment_id", "user_id"],
        set_={"choice": statement.excluded.choice, "cast_at": statement.excluded.cast_at},
    )
    db.session.execute(statement)


def _locked_status(amendment: Amendment) -> AmendmentStatus:
    return db.session.execute(
        select(Amendment.status).where(Amendment.id == amendment.id).with_for_update()
    ).scalar_one()


def tally(amendment: Amendment) -> dict[Choice, int]:
    counts = dict(
        db.session.execute(
            select(AmendmentVote.choice, func.count())
            .where(AmendmentVote.amendment_id == amendment.id)
            .group_by(AmendmentVote.choice)
        )
        .tuples()
        .all()
    )
    return {choice: counts.get(choice, 0) for choice in Choice}


def decide(actor: User, amendment: Amendment, convention: Convention) -> Amendment:
    """Close the vote. Accepted when more members vote for than against; an accepted amendment
    becomes a new version at once, and later amendments follow or are flagged conflicting."""
    recommendation = amendment.recommendation
    lifecycle.check("decide_amendment", actor, recommendation, convention)
    if _locked_status(amendment) != AmendmentStatus.VOTING:
        raise AmendmentClosed()
    counts = tally(amendment)
    amendment.votes_for = counts[Choice.FOR]
    amendment.votes_against = counts[Choice.AGAINST]
    amendment.votes_abstain = counts[Choice.ABSTAIN]
    amendment.decided_at = utcnow()
    accepted = amendment.votes_for > amendment.votes_against
    if accepted:
        _rebase_or_flag(amendment)
    if not accepted:
        amendment.status = AmendmentStatus.REJECTED
    elif amendment.status == AmendmentStatus.CONFLICTING:
        # The text changed under the vote (a merge, a minority opinion) on the same fields.
        amendment.decided_at = None
    else:
        amendment.status = AmendmentStatus.ACCEPTED
        for name, value in amendment.changes.items():
            setattr(recommendation, name, value)
        amendment.result_version = new_version(
            recommendation,
            amendment.author,
            str(_l("Amendement n° %(n)d accepté", n=amendment.number)),
            amendment.id,
        )
        for other in recommendation.amendments:
            if other is not amendment and other.status in PENDING_AMENDMENT - {
                AmendmentStatus.CONFLICTING
            }:
                _rebase_or_flag(other)
    record_event(
        recommendation,
        "amendment_decided",
        actor,
        amendment=amendment.number,
        status=amendment.status.value,
        votes_for=amendment.votes_for,
        votes_against=amendment.votes_against,
        votes_abstain=amendment.votes_abstain,
    )
    return amendment


def pending_for(recommendation: Recommendation) -> list[Amendment]:
    return [a for a in recommendation.amendments if a.status in PENDING_AMENDMENT]
