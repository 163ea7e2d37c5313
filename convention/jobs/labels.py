"""The words for a job's codes: its status, its stages and its errors.

A job stores short codes; the person waiting reads them in their own language, when the page or
the status endpoint is shown. Each feature registers the codes of its jobs in its `init_app`
(`register_stages`, `register_errors`); the codes every job may use are registered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from convention.jobs.models import JobMixin, JobStatus

EXTENSION_KEY = "convention.jobs"

#: An error's words: a lazy text formatted with the error's parameters (named placeholders),
#: or a function of the parameters for an error that lists several problems.
ErrorLabel: TypeAlias = LazyString | Callable[[dict[str, Any]], str]

STATUS_LABELS = {
    JobStatus.QUEUED: _l("en attente"),
    JobStatus.RUNNING: _l("en cours de traitement"),
    JobStatus.DONE: _l("terminé"),
    JobStatus.FAILED: _l("échec"),
}

#: Failures any job can meet (the runner records them).
UNEXPECTED = "job.unexpected"
NOT_QUEUED = "job.not_queued"
# Jobs recorded before the codes kept their error as text, in one language: shown as it is.
TEXT_BEFORE_CODES = "job.text_before_codes"

COMMON_ERRORS: dict[str, ErrorLabel] = {
    UNEXPECTED: _l(
        "Une erreur inattendue a interrompu le travail ; elle est consignée dans le "
        "journal du serveur."
    ),
    NOT_QUEUED: _l(
        "Le travail n'a pas pu être confié au serveur de tâches. Réessayez dans un moment."
    ),
    TEXT_BEFORE_CODES: lambda params: str(params.get("text", "")),
}


@dataclass
class Labels:
    stages: dict[str, LazyString] = field(default_factory=dict)
    errors: dict[str, ErrorLabel] = field(default_factory=lambda: dict(COMMON_ERRORS))


def labels(app: Flask | None = None) -> Labels:
    """The application's codes (created at the first registration, whichever feature's
    `init_app` comes first)."""
    target = app or current_app
    found: Labels = target.extensions.setdefault(EXTENSION_KEY, Labels())
    return found


def register_stages(app: Flask, stages: dict[str, LazyString]) -> None:
    labels(app).stages.update(stages)


def register_errors(app: Flask, errors: dict[str, ErrorLabel]) -> None:
    labels(app).errors.update(errors)


def stage_label(job: JobMixin) -> str:
    """Where the job stands, in the reader's language: its stage while it runs, else its
    status. A stage no feature registered (a job of a feature since removed) shows as running."""
    if job.status == JobStatus.RUNNING and job.stage_code:
        label = labels().stages.get(job.stage_code)
        if label is not None:
            return str(label)
    return str(STATUS_LABELS[job.status])


def error_message(job: JobMixin) -> str:
    """Why the job failed, in the reader's language ("" if it did not)."""
    if job.status != JobStatus.FAILED:
        return ""
    params = job.error_params or {}
    label = labels().errors.get(job.error_code or UNEXPECTED, COMMON_ERRORS[UNEXPECTED])
    if not isinstance(label, LazyString):
        return label(params)
    try:
        return str(label) % params
    except (KeyError, TypeError, ValueError):  # parameters from another version of the code
        return str(label)


def job_state(job: JobMixin) -> dict[str, Any]:
    """What the progress page and its status endpoint show, as plain values: the message and
    the error are what the polite live region says."""
    stage = stage_label(job)
    error = error_message(job)
    if job.status == JobStatus.DONE:
        message = _("Terminé.")
    elif job.status == JobStatus.FAILED:
        message = _("Le travail a échoué :")
    else:
        message = _("Étape : %(stage)s", stage=stage)
    return {
        "status": job.status.value,
        "finished": job.status.finished,
        "stage": stage,
        "percent": job.percent,
        "message": message,
        "error": error,
    }
