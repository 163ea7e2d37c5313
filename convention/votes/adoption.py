"""The members' adoption vote: open a ballot per recommendation, cast, record paper totals,
close, seal and export.

One vote per member and ballot is a database constraint. Every vote first takes the ballot's
row lock with the open window in the same statement, so a vote and the close never cross: a
vote either lands before the close (and is counted) or sees the ballot closed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from convention.assembly.models import Convention, GroupMembership, PhaseKind
from convention.audit.services import record
from convention.auth.models import ConventionRole, Role, User
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput, NotAllowed
from convention.extensions import db
from convention.i18n import sort_key
from convention.ledger import services as ledger
from convention.proposals import lifecycle
from convention.proposals.models import Choice, Recommendation, Status
from convention.proposals.services import record_event, record_vote_result
from convention.votes import secret_ballots, verify_tally
from convention.votes.models import (
    AdoptionBallot,
    NamedVote,
    VoteParticipation,
)
from convention.votes.rules import rules_for
from convention.votes.upsert import insert

COUNTER = {
    Choice.FOR: "votes_for",
    Choice.AGAINST: "votes_against",
    Choice.ABSTAIN: "votes_abstain",
}


class VotingClosed(ConventionError):
    message = _l("Ce vote n'est pas ouvert : il est clos ou sa date limite est passée.")


class AlreadyVoted(ConventionError):
    message = _l("Vous avez déjà voté à ce scrutin secret : un vote secret est définitif.")


class TallyMismatch(ConventionError):
    message = _l(
        "Le recomptage des bulletins ne correspond pas aux compteurs : le vote n'est "
        "pas clos. Prévenez l'équipe technique."
    )


@dataclass(frozen=True)
class Tally:
    """What a closed (or open, when shown to staff) ballot counts, paper included."""

    votes_for: int
    votes_against: int
    votes_abstain: int
    participants: int
    eligible: int
    paper: int
    quorum_met: bool
    adopted: bool

    def sentence(self) -> str:
        """The tally in one readable sentence, for the recommendation and trace pages."""
        text = _(
            "Pour %(f)d, contre %(a)d, abstention %(b)d ; participation %(p)d sur %(e)d "
            "membres (%(pct)d %%), quorum %(quorum)s.",
            f=self.votes_for,
            a=self.votes_against,
            b=self.votes_abstain,
            p=self.participants,
            e=self.eligible,
            pct=self.turnout_percent,
            quorum=_("atteint") if self.quorum_met else _("non atteint"),
        )
        if self.paper:
            text += " " + ngettext(
                "Dont %(num)d vote sur papier.", "Dont %(num)d votes sur papier.", self.paper
            )
        return text

    @property
    def turnout_percent(self) -> int:
        return round(100 * self.participants / self.eligible) if self.eligible else 0

    def published(self) -> dict:
        """The tally as an export publishes it (and the checker recomputes it)."""
        return {
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.votes_abstain,
            "participants": self.participants,
            "eligible": self.eligible,
            "quorum_met": self.quorum_met,
            "adopted": self.adopted,
        }

    def as_details(self) -> dict:
        return {
            "votes_for": self.votes_for,
            "votes_against": self.votes_against,
            "votes_abstain": self.votes_abstain,
            "participants": self.participants,
            "eligible": self.eligible,
            "paper": self.paper,
            "quorum_met": self.quorum_met,
        }


def _eligible(convention: Convention):
    return (
        select(GroupMembership.user_id)
        .join(
            ConventionRole,
            (ConventionRole.user_id == GroupMembership.user_id)
            & (ConventionRole.convention_id == GroupMembership.convention_id),
        )
        .where(GroupMembership.convention_id == convention.id, ConventionRole.role == Role.MEMBER)
    )


def eligible_members(convention: Convention) -> int:
    return db.session.execute(
        select(func.count()).select_from(_eligible(convention).subquery())
    ).scalar_one()


def eligible_roll(convention: Convention) -> list[str]:
    """The members allowed to vote, as the pseudonyms the public ledger knows them by."""
    ids = sorted(set(db.session.scalars(_eligible(convention))))
    return sorted(ledger.pseudonyms(convention.id, ids).values())


def is_voter(user: User | None, convention_id: int) -> bool:
    """Members drawn by lot, in a group of this convention, vote; no one else does."""
    if (
        user is None
        or not getattr(user, "is_authenticated", True)
        or user.role_in(convention_id) != Role.MEMBER
    ):
        return False
    return (
        db.session.scalar(
            select(GroupMembership.id).where(
                GroupMembership.convention_id == convention_id, GroupMembership.user_id == user.id
            )
        )
        is not None
    )


def open_ballots(
    actor: User,
    convention: Convention,
    recommendations: list[Recommendation],
    closes_at: datetime,
    *,
    now: datetime | None = None,
) -> list[AdoptionBallot]:
    """The group's facilitator or staff open one ballot per submitted recommendation, during
    the members' vote, under the convention's current rules."""
    now = now or utcnow()
    if not recommendations:
        raise InvalidInput(_l("Choisissez au moins une recommandation."), field="recommendations")
    if closes_at <= now:
        raise InvalidInput(_l("La clôture doit être dans le futur."), field="closes_at")
    rules = rules_for(convention)
    eligible = eligible_members(convention)
    for rec in recommendations:
        # Opening needs the same rights, status and phase as recording the result.
        lifecycle.check("adopt", actor, rec, convention)
    ceremony = secret_ballots.ceremony_for_opening(convention) if rules.secret else None
    ballots = []
    for rec in recommendations:
        ballot = AdoptionBallot(
            convention_id=convention.id,
            recommendation=rec,
            secret=rules.secret,
            quorum_percent=rules.quorum_percent,
            threshold_numerator=rules.threshold_numerator,
            threshold_denominator=rules.threshold_denominator,
            abstentions_count=rules.abstentions_count,
            eligible=eligible,
            opened_by_id=actor.id,
            opened_at=now,
            closes_at=closes_at,
            ceremony_id=ceremony.id if ceremony else None,
            votes_for=0,
            votes_against=0,
            votes_abstain=0,
            participants=0,
            paper_for=0,
            paper_against=0,
            paper_abstain=0,
        )
        db.session.add(ballot)
        ballots.append(ballot)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ConventionError(_l("Un vote existe déjà pour une de ces recommandations.")) from None
    roll = eligible_roll(convention)
    for ballot in ballots:
        record_event(
            ballot.recommendation,
            "adoption_vote_opened",
            actor,
            ballot=ballot.id,
            secret=ballot.secret,
        )
        record(
            actor,
            "adoption_vote_opened",
            ballot,
            recommendation=ballot.recommendation.id,
            reference=ballot.recommendation.reference,
            closes_at=closes_at,
        )
        # After the journal: both heads are always taken in the same order.
        ledger.append(
            "ballot_opened",
            {
                "ballot_id": ballot.id,
                "recommendation": ballot.recommendation.reference,
                "secret": ballot.secret,
                "ceremony_id": ballot.ceremony_id,
                "rules": _rules_of(ballot),
                "closes_at": closes_at.isoformat(),
                "roll": roll,
            },
            convention_slug=convention.slug,
        )
    return ballots


def _lock_open(ballot: AdoptionBallot, now: datetime) -> bool:
    """Lock the ballot row if the vote is open at `now`; the window is checked in SQL, in the
    same transaction as the vote."""
    return (
        db.session.scalar(
            select(AdoptionBallot.id)
            .where(
                AdoptionBallot.id == ballot.id,
                AdoptionBallot.closed_at.is_(None),
                AdoptionBallot.counting_at.is_(None),
                AdoptionBallot.opened_at <= now,
                AdoptionBallot.closes_at > now,
            )
            .with_for_update()
        )
        is not None
    )


def cast_vote(
    member: User, ballot: AdoptionBallot, choice: Choice, *, now: datetime | None = None
) -> str | None:
    """A member votes for, against or abstains, once per ballot, while it is open.

    Secret ballot: the roll records that the member voted, and the choice is kept only
    encrypted to the guarantors' key (`secret_ballots`); a second vote is refused. Returns the
    ballot's tracking code. Named ballot: voting again replaces the vote until the close.
    """
    if not is_voter(member, ballot.convention_id):
        raise NotAllowed(
            _l("Seuls les membres tirés au sort votent l'adoption des recommandations.")
        )
    if not isinstance(choice, Choice):
        raise InvalidInput(_l("Choix de vote inconnu."), field="choice")
    now = now or utcnow()
    encrypted = secret_ballots.encrypt(ballot, choice) if ballot.secret else None
    if not _lock_open(ballot, now):
        raise VotingClosed()
    joined = db.session.scalar(
        insert(VoteParticipation)
        .values(ballot_id=ballot.id, user_id=member.id)
        .on_conflict_do_nothing()
        .returning(VoteParticipation.user_id)
    )
    if encrypted is not None:
        if joined is None:
            raise AlreadyVoted()
        code = secret_ballots.store(ballot, encrypted)
        # Only the participation counter moves: a counter per choice would tell the choice.
        db.session.execute(
            update(AdoptionBallot)
            .where(AdoptionBallot.id == ballot.id)
            .values(participants=AdoptionBallot.participants + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(ballot)
        return code
    deltas = {name: 0 for name in COUNTER.values()}
    statement = insert(NamedVote).values(
        ballot_id=ballot.id, user_id=member.id, choice=choice, previous_choice=None, cast_at=now
    )
    # `named_vote.choice` on the right is the row being replaced: the old choice.
    statement = statement.on_conflict_do_update(
        index_elements=["ballot_id", "user_id"],
        set_={
            "choice": statement.excluded.choice,
            "previous_choice": NamedVote.__table__.c.choice,
            "cast_at": statement.excluded.cast_at,
        },
    ).returning(NamedVote.previous_choice)
    previous = db.session.scalar(statement)
    if previous is not None:
        deltas[COUNTER[previous]] -= 1
    deltas[COUNTER[choice]] += 1
    values = {
        name: getattr(AdoptionBallot, name) + delta for name, delta in deltas.items() if delta
    }
    if joined is not None:
        values["participants"] = AdoptionBallot.participants + 1
    if values:
        db.session.execute(
            update(AdoptionBallot)
            .where(AdoptionBallot.id == ballot.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    db.session.expire(ballot)
    return None


def my_vote(member: User | None, ballot: AdoptionBallot) -> tuple[bool, Choice | None]:
    """Whether the member voted, and their choice when the ballot is named."""
    if member is None or not getattr(member, "is_authenticated", False):
        return False, None
    voted = db.session.get(VoteParticipation, (ballot.id, member.id)) is not None
    if ballot.secret or not voted:
        return voted, None
    return True, db.session.scalar(
        select(NamedVote.choice).where(
            NamedVote.ballot_id == ballot.id, NamedVote.user_id == member.id
        )
    )


def record_paper(
    actor: User, ballot: AdoptionBallot, *, votes_for: int, votes_against: int, votes_abstain: int
) -> None:
    """Staff record the totals of an in-person or paper vote, until the close. They are kept
    apart from the electronic votes, added to them in the tally, and audited."""
    if actor is None or not actor.manages(ballot.convention_id):
        raise NotAllowed()
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise InvalidInput(_l("Un total ne peut pas être négatif."), field="votes_for")
    locked = db.session.execute(
        select(AdoptionBallot.closed_at, AdoptionBallot.counting_at)
        .where(AdoptionBallot.id == ballot.id)
        .with_for_update()
    ).one()
    if locked.closed_at is not None or locked.counting_at is not None:
        raise VotingClosed(_l("Ce vote est clos : ses totaux ne changent plus."))
    previous = (ballot.paper_for, ballot.paper_against, ballot.paper_abstain)
    ballot.paper_for, ballot.paper_against = votes_for, votes_against
    ballot.paper_abstain = votes_abstain
    ballot.paper_recorded_at = utcnow()
    record(
        actor,
        "paper_votes_recorded",
        ballot,
        recommendation=ballot.recommendation_id,
        previous=list(previous),
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
    )


def tally(ballot: AdoptionBallot) -> Tally:
    """The tally from the counters and paper totals: a fixed cost, whatever the turnout."""
    counts = verify_tally.result(
        export_header(ballot),
        {"for": ballot.votes_for, "against": ballot.votes_against, "abstain": ballot.votes_abstain},
        ballot.participants,
    )
    return Tally(
        counts["for"],
        counts["against"],
        counts["abstain"],
        counts["participants"],
        counts["eligible"],
        ballot.paper_total,
        counts["quorum_met"],
        counts["adopted"],
    )


def recount(ballot: AdoptionBallot) -> dict[Choice, int]:
    """Count a named ballot's votes themselves (used at the close and by tests). A secret
    ballot has nothing to count but ciphertexts: its count is the guarantors' decryption."""
    rows = dict(
        db.session.execute(
            select(NamedVote.choice, func.count())
            .where(NamedVote.ballot_id == ballot.id)
            .group_by(NamedVote.choice)
        )
        .tuples()
        .all()
    )
    return {choice: rows.get(choice, 0) for choice in Choice}


def _lock_for_closing(ballot: AdoptionBallot) -> None:
    ended = db.session.execute(
        select(AdoptionBallot.closed_at, AdoptionBallot.counting_at)
        .where(AdoptionBallot.id == ballot.id)
        .with_for_update()
    ).one()
    if ended.closed_at is not None:
        raise VotingClosed(_l("Ce vote est déjà clos."))
    if ended.counting_at is not None:
        raise VotingClosed(
            _l("Ce vote est déjà clos : il attend le dépouillement par les garant·es.")
        )
    db.session.refresh(ballot)


def close_ballot(
    actor: User, ballot: AdoptionBallot, convention: Convention, *, now: datetime | None = None
) -> Tally | None:
    """Close the vote. A named ballot: freeze the tally, seal it, and make the recommendation
    adopted or rejected through the recommendations' lifecycle. A secret ballot: voting ends
    and its encrypted ballots go to the guarantors (None is returned); its result comes with
    their decryption (`counting.finish`)."""
    lifecycle.check("adopt", actor, ballot.recommendation, convention)
    _lock_for_closing(ballot)
    now = now or utcnow()
    if ballot.secret:
        hand_to_guarantors(actor, convention, [ballot], now)
        return None
    counted = recount(ballot)
    if [counted[c] for c in Choice] != [getattr(ballot, COUNTER[c]) for c in Choice]:
        raise TallyMismatch()
    ballot.closed_at = now
    return seal(actor, ballot, convention, canonical_export, signatures=[])


def hand_to_guarantors(
    actor: User, convention: Convention, ballots: list[AdoptionBallot], now: datetime
) -> None:
    """Secret ballots whose voting ended together: one packet per key ceremony."""
    by_ceremony: dict[int | None, list[AdoptionBallot]] = {}
    for ballot in ballots:
        by_ceremony.setdefault(ballot.ceremony_id, []).append(ballot)
    for group in by_ceremony.values():
        secret_ballots.make_packet(
            actor,
            convention,
            group,
            lambda b: f"{b.recommendation.reference} — {b.recommendation.title}",
            now,
        )


def seal(
    actor: User,
    ballot: AdoptionBallot,
    convention: Convention,
    export_of,
    *,
    signatures: list[dict],
) -> Tally:
    """The result from the counters (the electronic votes and the paper totals), made final:
    the export is kept as published, its digest goes to the public ledger, and the
    recommendation is adopted or rejected."""
    result = tally(ballot)
    ballot.quorum_met, ballot.adopted = result.quorum_met, result.adopted
    text = export_of(ballot)
    ballot.digest = json.loads(text)["digest"]
    ballot.sealed_export = text
    record_vote_result(
        actor, ballot.recommendation, convention, result.adopted, **result.as_details()
    )
    record(
        actor,
        "adoption_vote_closed",
        ballot,
        recommendation=ballot.recommendation_id,
        adopted=result.adopted,
        digest=ballot.digest,
        **result.as_details(),
    )
    ledger.append(
        "ballot_closed",
        {
            "ballot_id": ballot.id,
            "recommendation": ballot.recommendation.reference,
            "secret": ballot.secret,
            "digest": ballot.digest,
            "tally": {**result.as_details(), "adopted": result.adopted},
            "signatures": signatures,
        },
        convention_slug=convention.slug,
    )
    return result


# --- open data ------------------------------------------------------------------------------


def export_header(ballot: AdoptionBallot) -> dict:
    return {
        "ballot_id": ballot.id,
        "recommendation_id": ballot.recommendation_id,
        "secret": ballot.secret,
        "eligible": ballot.eligible,
        "quorum_percent": ballot.quorum_percent,
        "threshold_numerator": ballot.threshold_numerator,
        "threshold_denominator": ballot.threshold_denominator,
        "abstentions_count": ballot.abstentions_count,
        "paper_for": ballot.paper_for,
        "paper_against": ballot.paper_against,
        "paper_abstain": ballot.paper_abstain,
    }


def _rules_of(ballot: AdoptionBallot) -> dict:
    header = export_header(ballot)
    return {
        name: header[name]
        for name in (
            "quorum_percent",
            "threshold_numerator",
            "threshold_denominator",
            "abstentions_count",
            "eligible",
        )
    }


def export_ballots(ballot: AdoptionBallot) -> list[dict]:
    """Secret: the encrypted ballots' tracking codes, in their order (which means nothing).
    Named: choice, member id and public name, by member id."""
    if ballot.secret:
        return [
            {"tracking_code": b["tracking_code"]} for b in secret_ballots.published_ballots(ballot)
        ]
    votes = db.session.scalars(
        select(NamedVote)
        .where(NamedVote.ballot_id == ballot.id)
        .join(NamedVote.user)
        .order_by(NamedVote.user_id)
    )
    return [
        {"member_id": v.user_id, "member": v.user.public_name, "choice": v.choice.value}
        for v in votes
    ]


def export(ballot: AdoptionBallot) -> dict:
    """Everything needed to recompute the tally and the digest, for a closed ballot."""
    if not ballot.is_closed:
        raise VotingClosed(_l("Les bulletins sont publiés à la clôture du vote."))
    if ballot.secret:
        return json.loads(published_export(ballot))
    result = tally(ballot)
    return {
        "format": "convention-adoption-vote/1",
        "header": export_header(ballot),
        "ballots": export_ballots(ballot),
        "digest": verify_tally.digest(export_header(ballot), export_ballots(ballot)),
        "tally": result.published(),
    }


def roll(ballot: AdoptionBallot) -> list[User]:
    """Who voted (public, including for a secret ballot), by name."""
    return sorted(
        db.session.scalars(
            select(User)
            .join(VoteParticipation, VoteParticipation.user_id == User.id)
            .where(VoteParticipation.ballot_id == ballot.id)
        ),
        key=lambda u: sort_key(u.public_name),
    )


def ballots_for(convention: Convention) -> list[AdoptionBallot]:
    return list(
        db.session.scalars(
            select(AdoptionBallot)
            .where(AdoptionBallot.convention_id == convention.id)
            .join(AdoptionBallot.recommendation)
            .options(contains_eager(AdoptionBallot.recommendation))
            .order_by(Recommendation.number)
        )
    )


def submitted(convention: Convention) -> list[Recommendation]:
    """Recommendations waiting for a members' vote that has not been opened yet."""
    opened = select(AdoptionBallot.recommendation_id)
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.convention_id == convention.id,
                Recommendation.status == Status.SUBMITTED,
                Recommendation.id.not_in(opened),
            )
            .order_by(Recommendation.number)
        )
    )


def runs_ballots(actor: User | None, convention: Convention) -> bool:
    """Facilitators and staff open and close ballots (during the members' vote only)."""
    return bool(
        actor
        and getattr(actor, "is_authenticated", False)
        and actor.role_in(convention.id) in {Role.FACILITATOR, Role.STAFF, Role.ADMIN}
    )


def can_open(actor: User | None, convention: Convention) -> bool:
    return runs_ballots(actor, convention) and convention.current_phase == PhaseKind.MEMBERS_VOTE


def quorum_count(ballot: AdoptionBallot) -> int:
    """The fewest voters that meet the quorum: participants * 100 >= quorum % * eligible."""
    return -(-ballot.quorum_percent * ballot.eligible // 100)


@dataclass(frozen=True)
class ClosingPreview:
    """What closing a ballot now would do, shown before anyone confirms."""

    tally: Tally
    quorum_count: int
    time_left: timedelta | None  # None once the planned close has passed

    @property
    def early(self) -> bool:
        return self.time_left is not None


def closing_preview(ballot: AdoptionBallot, *, now: datetime | None = None) -> ClosingPreview:
    now = now or utcnow()
    left = ballot.closes_at - now
    return ClosingPreview(
        tally(ballot), quorum_count(ballot), left if left > timedelta(0) else None
    )


def due_ballots(convention: Convention, *, now: datetime | None = None) -> list[AdoptionBallot]:
    """Ballots still open whose planned close has passed: they wait for someone to close them."""
    return list(
        db.session.scalars(
            select(AdoptionBallot)
            .where(
                AdoptionBallot.convention_id == convention.id,
                AdoptionBallot.closed_at.is_(None),
                AdoptionBallot.counting_at.is_(None),
                AdoptionBallot.closes_at <= (now or utcnow()),
            )
            .join(AdoptionBallot.recommendation)
            .order_by(Recommendation.number)
        )
    )


def closable_due(
    actor: User, convention: Convention, *, now: datetime | None = None
) -> list[AdoptionBallot]:
    """The due ballots this actor may close (a facilitator, those of their groups)."""
    return [
        ballot
        for ballot in due_ballots(convention, now=now)
        if lifecycle.allowed("adopt", actor, ballot.recommendation, convention)
    ]


def close_due(
    actor: User, convention: Convention, *, now: datetime | None = None
) -> list[AdoptionBallot]:
    """Close every due ballot the actor may close, all in one go: one failure closes none."""
    now = now or utcnow()
    due = closable_due(actor, convention, now=now)
    if not due:
        raise ConventionError(_l("Aucun vote n'attend sa clôture."))
    secret = []
    for ballot in due:
        if ballot.secret:
            lifecycle.check("adopt", actor, ballot.recommendation, convention)
            _lock_for_closing(ballot)
            secret.append(ballot)
        else:
            close_ballot(actor, ballot, convention, now=now)
    if secret:
        hand_to_guarantors(actor, convention, secret, now)
    return due


@dataclass(frozen=True)
class MyBallot:
    ballot: AdoptionBallot
    voted: bool
    choice: Choice | None  # only for a named ballot


def my_ballots(
    member: User, convention: Convention, *, now: datetime | None = None
) -> dict[str, list[MyBallot]]:
    """A member's ballots: `to_vote` (open, not voted), `voted` (open), `ended` (the voting
    time is over but no one has closed the ballot yet: no vote is accepted, no result is
    known), `closed`; three queries whatever the number of ballots."""
    now = now or utcnow()
    voted = set(
        db.session.scalars(
            select(VoteParticipation.ballot_id)
            .join(AdoptionBallot, AdoptionBallot.id == VoteParticipation.ballot_id)
            .where(
                VoteParticipation.user_id == member.id,
                AdoptionBallot.convention_id == convention.id,
            )
        )
    )
    choices = dict(
        db.session.execute(
            select(NamedVote.ballot_id, NamedVote.choice)
            .join(AdoptionBallot, AdoptionBallot.id == NamedVote.ballot_id)
            .where(NamedVote.user_id == member.id, AdoptionBallot.convention_id == convention.id)
        )
        .tuples()
        .all()
    )
    found: dict[str, list[MyBallot]] = {"to_vote": [], "voted": [], "ended": [], "closed": []}
    for ballot in ballots_for(convention):
        entry = MyBallot(ballot, ballot.id in voted, choices.get(ballot.id))
        if ballot.is_closed:
            found["closed"].append(entry)
        elif ballot.closes_at <= now or ballot.counting_at is not None:
            found["ended"].append(entry)
        elif entry.voted:
            found["voted"].append(entry)
        elif is_open(ballot, now):
            found["to_vote"].append(entry)
    return found


def is_open(ballot: AdoptionBallot, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        ballot.closed_at is None
        and ballot.counting_at is None
        and ballot.opened_at <= now < ballot.closes_at
    )


def canonical_export(ballot: AdoptionBallot) -> str:
    """The JSON export as published: readable, and loaded as-is by the verify script. Built
    from the tables; at the close it is kept (`sealed_export`) and served from then on."""
    return json.dumps(export(ballot), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def published_export(ballot: AdoptionBallot) -> str:
    """What the public downloads: the text kept at the close (rebuilt only for a vote closed
    before exports were kept)."""
    return ballot.sealed_export or canonical_export(ballot)


def ballot_of(recommendation: Recommendation) -> AdoptionBallot | None:
    return db.session.scalar(
        select(AdoptionBallot).where(AdoptionBallot.recommendation_id == recommendation.id)
    )
