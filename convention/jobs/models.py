"""What every background job records: who asked for it, where it stands, how far it is and,
if it failed, why. Exports and member selections share these columns, and so will the jobs
to come; a feature's model adds its own (its inputs and results) next to them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime, enum_column


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


def job_constraints() -> tuple[CheckConstraint, ...]:
    """The rules of the job columns, for the `__table_args__` of a model using JobMixin (new
    objects each time: a constraint belongs to one table)."""
    return (
        CheckConstraint("progress_total > 0", name="progress_total_positive"),
        CheckConstraint(
            "progress_done >= 0 AND progress_done <= progress_total", name="progress_within_total"
        ),
    )


class JobMixin:
    """A job's state. The stage and the error are codes, put into words in the reader's language
    when shown (`convention.jobs.labels`), never text frozen in the worker's language.

    The requester's account may be deleted while the job's result stays useful (a selection
    run is part of the convention's record): the link is then emptied. A model whose job is
    only for its requester redefines `requested_by_id` to go with the account."""

    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    # What a running job is doing now; None while it waits and once it has finished.
    stage_code: Mapped[str | None] = mapped_column(String(60))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=100)
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @declared_attr
    def requested_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr
    def requested_by(cls) -> Mapped[User | None]:
        return relationship(User)

    @property
    def percent(self) -> int:
        return round(100 * (self.progress_done or 0) / (self.progress_total or 100))
