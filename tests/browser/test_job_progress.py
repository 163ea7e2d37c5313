"""A staff member waits for a draft export in a real Chromium: the live region says each new
stage without the page reloading, the finished export offers its file, and the page has no
RGAA violation."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from convention.assembly.services import oldest_convention
from convention.auth.models import User
from convention.clock import utcnow
from convention.extensions import db
from convention.jobs import JobStatus
from convention.publication import jobs as exports
from convention.publication.models import ExportJob
from tests.browser.test_journey import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

STAFF = ("equipe@demo.example", "demo-equipe-2026")


def _update(app, job_id: str, **values) -> None:
    """Move the job on, as the worker would, in a transaction of its own."""
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()


def test_an_export_s_stages_are_announced_in_place_and_its_file_offered(
    page, live_server, tmp_path
):
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == STAFF[0]))
        job = exports.create_job(staff, oldest_convention(), "pdf")
        job.status, job.stage_code, job.progress_done = (JobStatus.RUNNING, "export.reading", 10)
        db.session.commit()
        job_id = job.id
    page.goto(live_server.url + "/connexion")
    page.get_by_label("Adresse électronique").fill(STAFF[0])
    page.get_by_label("Mot de passe").fill(STAFF[1])
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/gestion/publication/exports/{job_id}")

    region = page.locator("[data-job-status-url] [aria-live=polite]")
    expect(region).to_have_text("Étape : lecture des recommandations et des réponses")
    expect(page.get_by_role("link", name="Rafraîchir")).to_be_visible()
    page.evaluate("window.sameDocument = true")  # lost if the page reloads
    page.screenshot(path=tmp_path / "export-running.png", full_page=True)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)

    _update(live_server.app, job_id, stage_code="export.rendering", progress_done=60)
    expect(region).to_have_text("Étape : mise en forme du fichier", timeout=10_000)
    expect(page.locator("progress")).to_have_js_property("value", 60)
    expect(page.locator("[data-job-percent]")).to_have_text("60 %")

    _update(
        live_server.app,
        job_id,
        status=JobStatus.DONE,
        stage_code=None,
        progress_done=100,
        content=b"%PDF-1.7 draft",
        finished_at=utcnow(),
    )
    download = region.get_by_role("link", name="Télécharger")
    expect(download).to_be_visible(timeout=10_000)
    expect(region).to_contain_text("Terminé.")
    assert page.evaluate("window.sameDocument") is True
    expect(page.get_by_role("link", name="Rafraîchir")).to_be_hidden()  # nothing to wait for
    page.screenshot(path=tmp_path / "export-done.png", full_page=True)
    assert (
        download.get_attribute("href")
        == f"/c/ia-montpellier/gestion/publication/exports/{job_id}/fichier"
    )
