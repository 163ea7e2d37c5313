"""Preparing exports, as background jobs (see convention/background.py).

The job row records its progress stages, so the staff member waiting sees them; the file is
kept in the job row and only its requester may download it.
"""
from __future__ import annotations

import uuid

from convention import background
from convention.assembly.models import Convention
from convention.auth.models import User
from convention.clock import utcnow
from convention.extensions import db
from convention.publication import services
from convention.publication.models import ExportJob, JobStatus, ReportEdition
from convention.publication.renderers import RENDERERS, render
from convention.publication.report import build_report

def create_job(actor: User, convention: Convention, fmt: str) -> ExportJob:
    if fmt not in RENDERERS:
        raise ValueError(fmt)
    job = ExportJob(id=str(uuid.uuid4()), convention_id=convention.id,
                    requested_by_id=actor.id, format=fmt, status=JobStatus.QUEUED,
                    progress=0, stage="en attente")
    db.session.add(job)
    return job


def _set(job: ExportJob, progress: int, stage: str, status: JobStatus = JobStatus.RUNNING):
    job.progress, job.stage, job.status = progress, stage, status
    db.session.commit()


def run_job(job_id: str) -> None:
    """Do the export; run by `background` in the worker or in the request."""
    job = db.session.get(ExportJob, job_id)
    convention = db.session.get(Convention, job.convention_id)
    try:
        _set(job, 10, "lecture des recommandations")
        report = build_report(convention, include_unpublished_answers=True)
        _set(job, 50, f"mise en forme ({job.format.upper()})")
        job.content = render(report, job.format)
        job.finished_at = utcnow()
        _set(job, 100, "terminé", JobStatus.DONE)
    except Exception as error:  # the staff member sees the failure instead of waiting forever
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        job.error = str(error)[:500]
        job.finished_at = utcnow()
        _set(job, 100, "échec", JobStatus.FAILED)
        raise


def render_edition(edition_id: str) -> None:
    """Render a newly published edition in every format and keep the files, so that its
    downloads only read them. Each format is committed as soon as it is ready; the cheap
    formats come first and the PDF last."""
    edition = db.session.get(ReportEdition, int(edition_id))
    for fmt in sorted(RENDERERS, key=lambda fmt: fmt == "pdf"):
        services.edition_file(edition, fmt)
        db.session.commit()


def enqueue(job: ExportJob) -> None:
    """Prepare the export in the worker when Redis is configured, otherwise now."""
    background.submit(run_job, job.id)
