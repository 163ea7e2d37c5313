"""Reading the sessions, their attendance and what each member is owed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from convention.assembly.hearings import published_hearings
from convention.assembly.models import Convention, WorkingGroup
from convention.assembly.services import members_of
from convention.auth.models import User
from convention.extensions import db
from convention.i18n import sort_key
from convention.sittings import allowances
from convention.sittings.models import (
    AgendaItem,
    AllowanceRule,
    Attendance,
    AttendanceStatus,
    Sitting,
)


def sittings_of(convention: Convention) -> list[Sitting]:
    """The convention's sessions, the earliest first, with their agenda (and what each point
    links to) loaded."""
    return list(
        db.session.scalars(
            select(Sitting)
            .where(Sitting.convention_id == convention.id)
            .options(
                selectinload(Sitting.agenda).selectinload(AgendaItem.hearing),
                selectinload(Sitting.agenda).selectinload(AgendaItem.group),
            )
            .order_by(Sitting.starts_on, Sitting.id)
        )
    )


def sitting_in(convention: Convention, sitting_id: int) -> Sitting | None:
    """The session `sitting_id` when it belongs to `convention`."""
    return db.session.scalar(
        select(Sitting).where(Sitting.id == sitting_id, Sitting.convention_id == convention.id)
    )


def agenda_item_in(sitting: Sitting, item_id: int) -> AgendaItem | None:
    return db.session.scalar(
        select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.sitting_id == sitting.id)
    )


def linkable_groups(convention: Convention) -> list[WorkingGroup]:
    return list(
        db.session.scalars(
            select(WorkingGroup)
            .where(WorkingGroup.convention_id == convention.id)
            .order_by(WorkingGroup.name)
        )
    )


linkable_hearings = published_hearings


def statuses_of(sitting: Sitting) -> dict[int, AttendanceStatus]:
    """What was recorded for the session, by member id."""
    return {
        found.user_id: found.status
        for found in db.session.scalars(
            select(Attendance).where(Attendance.sitting_id == sitting.id)
        )
    }


def recorded_counts(convention: Convention) -> dict[int, int]:
    """How many members have their attendance recorded, by session id (absent: none)."""
    return {
        sitting_id: count
        for sitting_id, count in db.session.execute(
            select(Attendance.sitting_id, func.count(Attendance.id))
            .join(Sitting, Sitting.id == Attendance.sitting_id)
            .where(Sitting.convention_id == convention.id)
            .group_by(Attendance.sitting_id)
        ).tuples()
    }


def daily_allowance_cents(convention: Convention) -> int | None:
    """The daily allowance in cents, or None while the convention has not set one."""
    return db.session.scalar(
        select(AllowanceRule.daily_cents).where(AllowanceRule.convention_id == convention.id)
    )


def _attendance_rows(convention: Convention) -> list[tuple[int, AttendanceStatus, Sitting]]:
    return [
        (user_id, status, sitting)
        for user_id, status, sitting in db.session.execute(
            select(Attendance.user_id, Attendance.status, Sitting)
            .join(Sitting, Sitting.id == Attendance.sitting_id)
            .where(Sitting.convention_id == convention.id)
        ).tuples()
    ]


def allowance_lines(convention: Convention) -> list[allowances.AllowanceLine]:
    """One line per member of the convention, by name: days present and the amount due.
    Someone who is no longer a member but was present at a session keeps their line, so no
    day attended is left unpaid."""
    daily = daily_allowance_cents(convention) or 0
    attended: dict[int, list[tuple[str, int]]] = {}
    for user_id, status, sitting in _attendance_rows(convention):
        attended.setdefault(user_id, []).append((status.value, sitting.days))
    people = {member.id: member for member in members_of(convention)}
    former = set(attended) - set(people)
    if former:
        people.update(
            (person.id, person)
            for person in db.session.scalars(select(User).where(User.id.in_(former)))
        )
    lines = []
    for person in sorted(people.values(), key=lambda p: (sort_key(p.display_name), p.id)):
        days = allowances.days_present(attended.get(person.id, []))
        lines.append(
            allowances.AllowanceLine(
                member_id=person.id,
                name=person.display_name,
                email=person.email,
                days_present=days,
                amount_cents=allowances.allowance_cents(days, daily),
            )
        )
    return lines


@dataclass(frozen=True)
class MemberSitting:
    """A session as one member sees it: what was recorded for them (None: nothing yet)."""

    sitting: Sitting
    status: AttendanceStatus | None

    @property
    def paid_days(self) -> int:
        return self.sitting.days if self.status == AttendanceStatus.PRESENT else 0


@dataclass(frozen=True)
class MemberAttendance:
    """One member's attendance over the convention's sessions and the allowance it earns."""

    sittings: list[MemberSitting]
    days_present: int
    daily_cents: int | None
    amount_cents: int


def attendance_of(convention: Convention, person: User) -> MemberAttendance:
    """`person`'s own attendance at each session of the convention, and what they are owed."""
    sittings = sittings_of(convention)
    mine = {
        sitting_id: status
        for sitting_id, status in db.session.execute(
            select(Attendance.sitting_id, Attendance.status).where(
                Attendance.user_id == person.id,
                Attendance.sitting_id.in_([s.id for s in sittings]),
            )
        ).tuples()
    }
    rows = [MemberSitting(sitting, mine.get(sitting.id)) for sitting in sittings]
    days = allowances.days_present(
        (row.status.value, row.sitting.days) for row in rows if row.status is not None
    )
    daily = daily_allowance_cents(convention)
    return MemberAttendance(rows, days, daily, allowances.allowance_cents(days, daily or 0))


def has_attendance(convention: Convention, person: User) -> bool:
    return (
        db.session.scalar(
            select(Attendance.id)
            .join(Sitting, Sitting.id == Attendance.sitting_id)
            .where(Sitting.convention_id == convention.id, Attendance.user_id == person.id)
            .limit(1)
        )
        is not None
    )


def is_member(convention: Convention, person: User | None) -> bool:
    return person is not None and any(m.id == person.id for m in members_of(convention))
