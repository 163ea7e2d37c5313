"""Preparing exports, and the files of a published edition, as background jobs (see
convention.jobs).

An export records its stages as codes, which the staff member waiting reads in their own
language; the file is kept in the job's row and only its requester may download it.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from convention import jobs
from convention.assembly.models import Convention
from convention.auth.models import User
from convention.extensions import db
from convention.publication import services
from convention.publication.models import ExportJob, ReportEdition
from convention.publication.renderers import RENDERERS, render
from convention.publication.report import build_report

#: The export's stages (registered by the feature's `init_app`).
STAGES = {
    "export.reading": _l("lecture des recommandations et des réponses"),
    "export.rendering": _l("mise en forme du fichier"),
}


def create_job(actor: User, convention: Convention, fmt: str) -> ExportJob:
    """A draft export in `fmt` for `actor`; `enqueue` has it prepared once committed."""
    if fmt not in RENDERERS:
        raise ValueError(fmt)
    job = ExportJob(
        id=str(uuid.uuid4()), convention_id=convention.id, requested_by_id=actor.id, format=fmt
    )
    db.session.add(job)
    return job


def _export(job: ExportJob, progress: jobs.Progress) -> None:
    progress.stage("export.reading", 10)
    convention = db.session.get_one(Convention, job.convention_id)
    report = build_report(convention, include_unpublished_answers=True)
    progress.stage("export.rendering", 50)
    # The job's row is written last: the stages above are written to it from another session.
    job.content = render(report, job.format)


def run_job(job_id: str) -> None:
    """Prepare the export: run in the worker, or in the request after its commit."""
    jobs.perform(ExportJob, job_id, _export)


def enqueue(job: ExportJob) -> None:
    """Prepare the export once the request's transaction is committed: in the worker when
    Redis is configured, otherwise right after the commit."""
    jobs.submit(run_job, job.id, ExportJob)


def render_edition(edition_id: str) -> None:
    """Render a newly published edition in every format and keep the files, so that its
    downloads only read them. The cheap formats come first and the PDF last."""
    edition = db.session.get(ReportEdition, int(edition_id))
    if edition is None:
        return
    for fmt in sorted(RENDERERS, key=lambda fmt: fmt == "pdf"):
        services.edition_file(edition, fmt)
        # A commit per file, not one at the end: each file is whole on its own, a download
        # can serve it while the PDF is still rendering, and the commit releases the lock
        # that keeps another rendering of this file waiting (PostgreSQL).
        db.session.commit()


def render_files(edition: ReportEdition) -> None:
    """Have the edition's files rendered once the publication is committed: in the worker when
    Redis is configured, otherwise right after the commit. A file that could not be rendered
    then is rendered at its first download."""
    jobs.submit(render_edition, str(edition.id))
