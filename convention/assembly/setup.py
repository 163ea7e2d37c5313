"""The guided set-up of the convention: which steps are done, read from what exists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from convention.assembly.models import Convention, Phase, Theme, WorkingGroup
from convention.auth.models import Commune, ConventionRole, Role
from convention.extensions import db


@dataclass(frozen=True)
class SetupStep:
    """One step of the set-up. `done` is None when this package cannot tell (the vote rules belong
    to a feature above it and have defaults); `endpoint` is None when no page does it yet."""

    key: str
    done: bool | None
    endpoint: str | None


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def checklist(convention: Convention) -> list[SetupStep]:
    """A step is done as soon as what it sets exists; nothing is ever locked by being done."""
    dated = _count(
        select(func.count(Phase.id)).where(
            Phase.convention_id == convention.id, Phase.starts_on.is_not(None)
        )
    )
    themes = _count(select(func.count(Theme.id)).where(Theme.convention_id == convention.id))
    groups = _count(
        select(func.count(WorkingGroup.id)).where(WorkingGroup.convention_id == convention.id)
    )
    communes = _count(select(func.count(Commune.id)))
    guarantors = _count(
        select(func.count(ConventionRole.id)).where(
            ConventionRole.convention_id == convention.id, ConventionRole.role == Role.GUARANTOR
        )
    )
    return [
        SetupStep("presentation", True, "staff.edit_convention"),
        SetupStep("communes", communes > 0, "communes.index"),
        SetupStep("themes", themes > 0, "staff.themes"),
        SetupStep("calendar", dated > 0, "staff.edit_calendar"),
        SetupStep("groups", groups > 0, "staff.groups"),
        SetupStep("vote_rules", None, "votes.edit_rules"),
        SetupStep("guarantors", guarantors > 0, "setup.people"),
    ]
