"""The progress pages of an export and of a selection run, as staff meet them: the stage in
their language, a polite live region kept up to date by a script and a "Rafraîchir" link
instead of a page that reloads itself, a status endpoint for staff only, a failure explained."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from convention import sortition
from convention.auth.models import Role
from convention.extensions import db
from convention.jobs import JobStatus
from convention.publication import jobs as exports
from convention.publication.models import ExportJob
from convention.recruitment import services as recruitment
from convention.recruitment.models import SortitionRun
from tests import factories
from tests.recruitment.test_recruitment import QUOTAS, pool_csv


@pytest.fixture
def world():
    return factories.build_world()


def _running_export(world, stage: str = "export.reading", done: int = 10) -> ExportJob:
    job = exports.create_job(world.staff, world.convention, "pdf")
    job.status, job.stage_code, job.progress_done = JobStatus.RUNNING, stage, done
    db.session.commit()
    return job


def _running_run(world, stage: str = "sortition.solving") -> SortitionRun:
    run = recruitment.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=100
    )
    run.status, run.stage_code, run.progress_done = JobStatus.RUNNING, stage, 40
    db.session.commit()
    return run


def _pages(world):
    export, run = _running_export(world), _running_run(world)
    return [
        (
            f"/c/test/gestion/publication/exports/{export.id}",
            f"/c/test/gestion/publication/exports/{export.id}/etat",
        ),
        (f"/c/test/gestion/tirage/{run.id}", f"/c/test/gestion/tirage/{run.id}/etat"),
    ]


def test_a_running_job_s_page_has_a_polite_live_region_and_a_refresh_link_not_a_reload(
    client, world
):
    factories.login(client, world.staff.email)
    for page_url, status_url in _pages(world):
        page = client.get(page_url).text
        assert 'http-equiv="refresh"' not in page, page_url
        region = re.search(
            r'<div role="status" aria-live="polite"[^>]*>(.*?)</div>\s*'
            r"<p data-job-waiting><progress",
            page,
            re.S,
        )
        assert region and "Étape\u202f: " in region.group(1), page_url
        assert f'<a class="button button-secondary" href="{page_url}">Rafraîchir</a>' in page
        assert f'data-job-status-url="{status_url}"' in page
        assert '<script src="/static/js/job-progress.js" defer></script>' in page
        assert re.search(r'<progress max="100" value="(10|40)"', page)
    with client.get("/static/js/job-progress.js") as script:
        assert script.status_code == 200
        assert "jobStatusUrl" in script.text and "setTimeout" in script.text


def test_the_stage_is_shown_in_the_reader_s_language(client, world):
    export, run = _running_export(world), _running_run(world)
    factories.login(client, world.staff.email)
    export_url = f"/c/test/gestion/publication/exports/{export.id}"
    run_url = f"/c/test/gestion/tirage/{run.id}"
    assert "Étape\u202f: lecture des recommandations et des réponses" in client.get(export_url).text
    assert client.get(export_url + "/etat").json["message"] == (
        "Étape : lecture des recommandations et des réponses"
    )
    assert "Étape\u202f: recherche de la sélection la plus équitable" in client.get(run_url).text
    assert (
        "recherche de la sélection la plus équitable" in client.get("/c/test/gestion/tirage/").text
    )
    client.get("/langue/en")
    assert "Stage: reading the recommendations and the answers" in client.get(export_url).text
    assert client.get(export_url + "/etat").json["message"] == (
        "Stage: reading the recommendations and the answers"
    )
    assert "Stage: searching for the fairest selection" in client.get(run_url).text
    assert "searching for the fairest selection" in client.get("/c/test/gestion/tirage/").text
    assert ">Refresh</a>" in client.get(run_url).text


def test_the_status_endpoints_answer_staff_only(client, world):
    export, run = _running_export(world), _running_run(world)
    other_staff = factories.user(Role.STAFF)
    db.session.commit()
    export_status = f"/c/test/gestion/publication/exports/{export.id}/etat"
    run_status = f"/c/test/gestion/tirage/{run.id}/etat"
    for url in (export_status, run_status):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    factories.login(client, world.members[0].email)
    assert client.get(export_status).status_code == 403
    assert client.get(run_status).status_code == 403
    client.post("/deconnexion")
    factories.login(client, other_staff.email)
    assert client.get(export_status).status_code == 404  # a draft is for its requester only
    assert client.get(run_status).status_code == 200
    client.post("/deconnexion")
    factories.login(client, world.staff.email)
    state = client.get(export_status)
    assert state.headers["Cache-Control"] == "no-store"
    assert state.json == {
        "status": "running",
        "finished": False,
        "percent": 10,
        "stage": "lecture des recommandations et des réponses",
        "message": "Étape : lecture des recommandations et des réponses",
        "error": "",
        "result": None,
    }


def test_a_finished_export_offers_its_file_and_stops_asking(client, world):
    factories.login(client, world.staff.email)
    job_url = client.post("/c/test/gestion/publication/exports", data={"format": "csv"}).headers[
        "Location"
    ]
    page = client.get(job_url).text  # no Redis: prepared right after the request's commit
    assert "Terminé." in page and "job-progress.js" not in page and "<progress" not in page
    assert f'href="{job_url}/fichier">Télécharger</a>' in page
    state = client.get(job_url + "/etat").json
    assert state["result"] == {"url": job_url + "/fichier", "label": "Télécharger"}


def test_a_failed_export_is_recorded_with_its_code_and_explained(client, world, monkeypatch):
    def broken(report, fmt):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(exports, "render", broken)
    factories.login(client, world.staff.email)
    job_url = client.post("/c/test/gestion/publication/exports", data={"format": "csv"}).headers[
        "Location"
    ]
    job = db.session.scalar(select(ExportJob))
    assert (job.status, job.error_code, job.content) == (JobStatus.FAILED, "job.unexpected", None)
    page = client.get(job_url).text
    assert "Le travail a échoué\u202f:" in page
    assert "Une erreur inattendue a interrompu le travail" in page
    assert "the renderer broke" not in page  # in the server's log, not on the page
    assert client.get(job_url + "/fichier").status_code == 404
    client.get("/langue/en")
    assert "An unexpected error stopped the work" in client.get(job_url).text
    assert client.get(job_url + "/etat").json["error"].startswith("An unexpected error")


def test_a_failed_selection_keeps_its_problems_as_codes_shown_in_the_reader_s_language(
    client, world, monkeypatch
):
    def impossible(problem, algorithm, **options):
        raise sortition.SortitionError(
            [sortition.Problem("panel_larger_than_pool", {"k": 40, "n": 30})]
        )

    monkeypatch.setattr(recruitment.sortition, "run", impossible)
    run = recruitment.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=100
    )
    db.session.commit()  # as the request that imported the files does, before the job runs
    recruitment.compute(str(run.id))
    db.session.refresh(run)
    assert (run.status, run.error_code, run.report) == (
        JobStatus.FAILED,
        "sortition.problems",
        None,
    )
    assert run.error_params == {
        "problems": [{"code": "panel_larger_than_pool", "params": {"k": 40, "n": 30}}]
    }
    db.session.commit()
    factories.login(client, world.staff.email)
    page = client.get(f"/c/test/gestion/tirage/{run.id}").text
    assert "La taille du panel (40) dépasse le vivier de 30 volontaires." in page
    client.get("/langue/en")
    page = client.get(f"/c/test/gestion/tirage/{run.id}").text
    assert "The panel size (40) is larger than the pool of 30 volunteers." in page
    assert "The work failed:" in page
