"""Reaching the people drawn: the invitation and its reminders (to the private email staff
gave, see `contacts`), the answer they give through their personal link, and the table of
answers staff follow."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from convention.assembly.models import Convention, GroupMembership, WorkingGroup
from convention.assembly.services import require_manager
from convention.audit.services import record
from convention.auth.models import User
from convention.auth.services import find_by_email
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput
from convention.extensions import db
from convention.recruitment.models import (
    AnswerChannel,
    Invitation,
    InvitationStatus,
    SortitionRun,
)
from convention.recruitment.services import AlreadyAnswered, make_member, settle
from convention.sittings.models import Sitting
from convention.sittings.queries import sittings_of

# --- sending -------------------------------------------------------------------------------


def to_invite(run: SortitionRun) -> list[Invitation]:
    """Who the next "send the invitations" reaches: people with an email and no answer who
    were never sent one."""
    return [
        i
        for i in run.invitations
        if i.status == InvitationStatus.INVITED and i.email and i.invited_at is None
    ]


def send_invitations(actor: User, run: SortitionRun) -> list[Invitation]:
    """Mark the invitations of `to_invite` as sent; the caller writes the emails, which leave
    once this is committed."""
    require_manager(actor, run.convention_id)
    if run.drawn_at is None:
        raise ConventionError(_l("Le tirage n'a pas encore eu lieu."))
    chosen = to_invite(run)
    if not chosen:
        raise ConventionError(
            _l("Aucune invitation à envoyer : chaque personne joignable l'a reçue.")
        )
    now = utcnow()
    for invitation in chosen:
        invitation.invited_at = now
    record(actor, "sortition.invitations_sent", run, count=len(chosen))
    return chosen


def resend(actor: User, invitation: Invitation) -> Invitation:
    """Send the invitation again (a reminder, with a new link), to a person who has not
    answered and was already sent one."""
    require_manager(actor, invitation.run.convention_id)
    if invitation.status != InvitationStatus.INVITED:
        raise ConventionError(_l("Cette personne a déjà répondu."))
    if not invitation.email or invitation.invited_at is None:
        raise ConventionError(_l("Cette personne n'a pas encore reçu d'invitation."))
    invitation.reminded_at = utcnow()
    invitation.reminder_count += 1
    record(
        actor,
        "sortition.invitation_resent",
        invitation.run,
        person=invitation.person_id,
        reminder=invitation.reminder_count,
    )
    return invitation


# --- the answer through the link -----------------------------------------------------------


def smallest_group(convention: Convention) -> WorkingGroup | None:
    """The working group with the fewest members (by name on a tie), or None without groups."""
    members = (
        select(func.count(GroupMembership.id))
        .where(GroupMembership.group_id == WorkingGroup.id)
        .correlate(WorkingGroup)
        .scalar_subquery()
    )
    return db.session.scalar(
        select(WorkingGroup)
        .where(WorkingGroup.convention_id == convention.id)
        .order_by(members, WorkingGroup.name)
        .limit(1)
    )


def accept_by_link(invitation: Invitation, name: str = "") -> tuple[User, WorkingGroup | None]:
    """The person accepts through their link: their account is made (or the account with
    their email is used), they become a member and sit in the working group with the fewest
    members. Returns the member and their group."""
    if invitation.status != InvitationStatus.INVITED:
        raise AlreadyAnswered()
    if not invitation.email:
        raise ConventionError(_l("Cette invitation n'a pas d'adresse : contactez l'équipe."))
    if not name.strip() and not account_exists(invitation):
        raise InvalidInput(_l("Indiquez votre nom."), field="name")
    convention = db.session.get_one(Convention, invitation.run.convention_id)
    settle(invitation, InvitationStatus.ACCEPTED, AnswerChannel.LINK)
    group = smallest_group(convention)
    user = make_member(None, convention, group, email=invitation.email, name=name)
    invitation.user_id = user.id
    record(
        None,
        "sortition.accepted",
        invitation.run,
        person=invitation.person_id,
        user_id=user.id,
        by=AnswerChannel.LINK,
    )
    return user, group


def decline_by_link(invitation: Invitation) -> Invitation:
    """The person declines through their link: their seat is free for a replacement draw."""
    if invitation.status != InvitationStatus.INVITED:
        raise AlreadyAnswered()
    settle(invitation, InvitationStatus.DECLINED, AnswerChannel.LINK)
    record(
        None,
        "sortition.declined",
        invitation.run,
        person=invitation.person_id,
        by=AnswerChannel.LINK,
    )
    return invitation


def account_exists(invitation: Invitation) -> bool:
    """Whether accepting links an existing account (then no name is asked)."""
    return bool(invitation.email) and find_by_email(invitation.email or "") is not None


# --- what the invitation says --------------------------------------------------------------


def session_dates(convention: Convention) -> list[Sitting]:
    """The sessions the invitation announces (title, dates, place), the earliest first."""
    return sittings_of(convention)


# --- the answers table ---------------------------------------------------------------------


class AnswerState(enum.Enum):
    """Where an invitation stands, as staff follow it."""

    INVITED = "invited"  # sent, link still valid
    REMINDED = "reminded"  # sent again at least once, link still valid
    NO_ANSWER = "no_answer"  # never sent, or its last link has expired
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    AnswerState.INVITED: _l("invitée"),
    AnswerState.REMINDED: _l("relancée"),
    AnswerState.NO_ANSWER: _l("sans réponse"),
    AnswerState.ACCEPTED: _l("acceptée"),
    AnswerState.DECLINED: _l("déclinée"),
}

CHANNEL_LABELS = {AnswerChannel.LINK: _l("lien"), AnswerChannel.PHONE: _l("téléphone")}


@dataclass(frozen=True)
class AnswerRow:
    invitation: Invitation
    state: AnswerState
    channel: str

    @property
    def can_resend(self) -> bool:
        return (
            self.invitation.status == InvitationStatus.INVITED
            and self.invitation.invited_at is not None
            and bool(self.invitation.email)
        )


@dataclass(frozen=True)
class Answers:
    rows: list[AnswerRow]
    counts: list[tuple[AnswerState, int]]


def state_of(invitation: Invitation, link_days: int, now: datetime) -> AnswerState:
    if invitation.status == InvitationStatus.ACCEPTED:
        return AnswerState.ACCEPTED
    if invitation.status == InvitationStatus.DECLINED:
        return AnswerState.DECLINED
    last_sent = invitation.reminded_at or invitation.invited_at
    if last_sent is None or last_sent + timedelta(days=link_days) < now:
        return AnswerState.NO_ANSWER
    return AnswerState.REMINDED if invitation.reminder_count else AnswerState.INVITED


def answers(run: SortitionRun, link_days: int) -> Answers:
    """The run's invitations with where each stands, and how many stand where (every state,
    in a fixed order, zeros included)."""
    now = utcnow()
    rows = [
        AnswerRow(
            i,
            state_of(i, link_days, now),
            str(CHANNEL_LABELS[i.answered_by]) if i.answered_by else "",
        )
        for i in run.invitations
    ]
    counted = Counter(row.state for row in rows)
    return Answers(rows, [(state, counted[state]) for state in AnswerState])
