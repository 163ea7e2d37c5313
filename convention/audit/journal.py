"""Reading the audit log: one convention's entries, filtered, and their CSV export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from convention.audit.describe import actions_in, actor_name, describe
from convention.audit.models import AuditEntry
from convention.auth.models import User
from convention.extensions import db
from convention.i18n import sorted_by_name

PARIS = ZoneInfo("Europe/Paris")
CSV_HEADER = ("date_utc", "actor", "action", "sentence", "target", "details")


@dataclass(frozen=True)
class JournalFilter:
    """What the reader asked for; None is "any". Days are calendar days in Paris, both
    included."""

    family: str | None = None
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(UTC)


def entries(convention_id: int, chosen: JournalFilter) -> Select[tuple[AuditEntry]]:
    """The convention's entries matching `chosen`, the most recent first (by their date: the
    demo records past actions out of order)."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.convention_id == convention_id)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if chosen.family is not None:
        query = query.where(AuditEntry.action.in_(actions_in(chosen.family)))
    if chosen.actor_id is not None:
        query = query.where(AuditEntry.actor_id == chosen.actor_id)
    if chosen.since is not None:
        query = query.where(AuditEntry.created_at >= _paris_midnight(chosen.since))
    if chosen.until is not None:
        next_day = _paris_midnight(chosen.until + timedelta(days=1))
        query = query.where(AuditEntry.created_at < next_day)
    return query


def actors(convention_id: int) -> list[User]:
    """The people who acted in the convention, by name: the choices of the person filter."""
    found = db.session.scalars(
        select(User).where(
            User.id.in_(
                select(AuditEntry.actor_id).where(AuditEntry.convention_id == convention_id)
            )
        )
    )
    return sorted_by_name(found, lambda person: person.display_name)


def csv_text(found: list[AuditEntry]) -> str:
    """The entries for the guarantors and the archives: the date in UTC (ISO 8601), who acted,
    the action's code, its sentence, its target and its recorded details as JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in found:
        target = f"{entry.target_type}:{entry.target_id}" if entry.target_id else entry.target_type
        writer.writerow(
            (
                entry.created_at.astimezone(UTC).isoformat(timespec="seconds"),
                actor_name(entry),
                entry.action,
                describe(entry),
                target,
                json.dumps(entry.details or {}, ensure_ascii=False, sort_keys=True),
            )
        )
    return out.getvalue()
