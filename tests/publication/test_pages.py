"""Publication pages: draft exports, answers, follow-up emails, assessments, feeds."""

import hashlib
import os
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy import func, select

from convention.assembly import services as assembly_services
from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.discussion import services as discussion
from convention.discussion.models import TargetKind
from convention.extensions import db
from convention.jobs import JobStatus, worker
from convention.publication import services
from convention.publication.models import (
    Answer,
    AnswerKind,
    ExportJob,
    ReportEdition,
    ReportEditionFile,
)
from convention.publication.renderers import RENDERERS
from tests import factories
from tests.conftest import make_test_app
from tests.pages import at, visible_text

ATOM = "{http://www.w3.org/2005/Atom}"


def login(client, user):
    factories.login(client, user.email)


def test_a_draft_export_is_for_its_requester_only(client, adopted):
    other_staff = factories.user(Role.STAFF, email="other@test.example")
    db.session.commit()
    assert client.get("/c/test/gestion/publication/").status_code == 302  # visitors log in first
    login(client, adopted.staff)
    response = client.post("/c/test/gestion/publication/exports", data={"format": "csv"})
    job_url = response.headers["Location"]
    page = client.get(job_url).text
    assert "Télécharger" in page  # no Redis configured: done in the request
    download = client.get(job_url + "/fichier")
    assert download.status_code == 200 and b"reference,number,theme" in download.data
    assert download.headers["Cache-Control"] == "private, no-store"
    assert (
        client.post("/c/test/gestion/publication/exports", data={"format": "exe"}).status_code
        == 400
    )
    client.post("/deconnexion")
    assert client.get(job_url + "/fichier").status_code == 302
    login(client, other_staff)
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "/fichier").status_code == 404
    client.post("/deconnexion")
    login(client, adopted.members[0])
    assert client.get(job_url + "/fichier").status_code == 403


REDIS_FOR_TESTS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def queued_app(app, smtp_server, monkeypatch):
    """The app with Redis configured: jobs wait in a queue of their own for the worker."""
    try:
        redis.Redis.from_url(REDIS_FOR_TESTS).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    monkeypatch.setattr(worker, "QUEUE", f"test-jobs-{uuid.uuid4().hex}")  # isolated
    return make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], REDIS_URL=REDIS_FOR_TESTS
    )


def test_with_redis_exports_run_in_the_worker_with_progress(queued_app, adopted, pdf_renderer):
    db.session.commit()
    client = queued_app.test_client()
    login(client, adopted.staff)
    job_url = client.post("/c/test/gestion/publication/exports", data={"format": "pdf"}).headers[
        "Location"
    ]
    page = client.get(job_url).text
    assert "Étape\u202f: en attente" in page and "Télécharger" not in page
    assert client.get(job_url + "/etat").json["status"] == "queued"
    job_id = job_url.rsplit("/", 1)[1]
    with queued_app.app_context():  # the command's application (the test has one pushed)
        result = queued_app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    job = db.session.get(ExportJob, job_id)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE, job.error_code
    assert job.content.startswith(b"%PDF")
    assert job.started_at <= job.finished_at
    assert "Télécharger" in client.get(job_url).text
    state = client.get(job_url + "/etat").json
    assert (state["status"], state["percent"], state["result"]["url"]) == (
        "done",
        100,
        job_url + "/fichier",
    )


def test_staff_answer_through_the_form_with_errors_explained(client, adopted, mailbox):
    rec = adopted.adopted[0]
    thread = discussion.thread_for(adopted.convention, TargetKind.RECOMMENDATION, rec.id)
    discussion.follow(adopted.citizen, thread)
    db.session.commit()
    login(client, adopted.staff)
    url = f"/c/test/gestion/publication/reponses/{rec.number}"
    page = client.post(url, data={"kind": "rejected", "service": "DSI", "public_text": "Non."})
    assert "raisons écrites" in page.text
    assert db.session.scalars(select(Answer)).all() == []
    page = client.post(
        url,
        data={"kind": "adopted", "service": "DSI", "public_text": "Retenue."},
        follow_redirects=True,
    )
    assert "La réponse à R1 est enregistrée." in page.text
    assert "Pas encore de réponse publiée." in client.get("/c/test/reponses").text
    client.post(f"{url}/publier", follow_redirects=True)
    assert "Retenue." in client.get("/c/test/reponses").text

    page = client.post(
        f"{url}/suivi",
        data={"suivi-happened_on": "2027-05-01", "suivi-progress": "150", "suivi-text": "x"},
        follow_redirects=True,
    )
    assert "Entre 0 et 100." in page.text
    page = client.post(
        f"{url}/suivi",
        data={
            "suivi-happened_on": "2027-05-01",
            "suivi-progress": "30",
            "suivi-text": "Premier lot en ligne.",
        },
        follow_redirects=True,
    )
    assert "1 personne prévenue" in page.text
    email = mailbox.last_to(adopted.citizen.email).get_body(("plain",)).get_content()
    assert "30\u202f% réalisé" in email and "Premier lot en ligne." in email
    trace = client.get(f"/c/test/recommandations/{rec.number}/trace").text
    assert "Réponse de la collectivité\u202f: retenue telle quelle" in trace
    assert "Suivi\u202f: 30\u202f% réalisé" in trace


def test_members_grade_answers_on_the_answers_page(client, adopted):
    answer = services.record_answer(
        adopted.staff,
        adopted.adopted[0],
        kind=AnswerKind.ADOPTED,
        service="DSI",
        public_text="Oui.",
    )
    services.publish_answers(adopted.staff, [answer])
    db.session.commit()
    login(client, adopted.members[0])
    page = client.post("/c/test/reponses/1/evaluer", data={"grade": "12"}, follow_redirects=True)
    assert "La note va de 0 à 10." in page.text
    page = client.post("/c/test/reponses/1/evaluer", data={"grade": "8"}, follow_redirects=True)
    assert "Votre note de 8/10 est enregistrée." in page.text
    assert "Note moyenne\u202f: 8,0 sur 10 (1 note)." in page.text


def test_atom_feeds_list_recommendations_answers_and_updates(client, adopted):
    answer = services.record_answer(
        adopted.staff,
        adopted.adopted[0],
        kind=AnswerKind.ADOPTED,
        service="DSI",
        public_text="Oui, avec un **registre** [public](https://example.org/registre).",
    )
    services.publish_answers(adopted.staff, [answer])
    db.session.commit()
    feed = ET.fromstring(client.get("/c/test/flux/recommandations.atom").data)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert any("Un registre public des algorithmes" in t for t in titles)
    answers = ET.fromstring(client.get("/c/test/flux/reponses.atom").data)
    assert len(answers.findall(f"{ATOM}entry")) == 1
    # Summaries are clean text: Markdown's markers are not shown to subscribers.
    summary = answers.find(f"{ATOM}entry").find(f"{ATOM}summary").text
    assert summary == "Oui, avec un registre public."
    one = ET.fromstring(client.get("/c/test/recommandations/1/flux.atom").data)
    assert len(one.findall(f"{ATOM}entry")) == 2
    page = client.get(f"/c/test/recommandations/1-{adopted.adopted[0].slug}").text
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]+/recommandations/1/flux.atom', page
    )


def test_a_published_edition_is_rendered_once_then_every_download_is_that_file(
    client, adopted, pdf_renderer
):
    db.session.commit()
    login(client, adopted.staff)
    assert "Publier l&#39;édition 1" in client.get("/c/test/gestion/publication/publier").text
    page = client.post("/c/test/gestion/publication/publier", follow_redirects=True).text
    assert "L&#39;édition 1 du rapport est publiée." in page
    # No Redis configured: every format was rendered with the publication and kept.
    kept = {f.format: f for f in db.session.scalars(select(ReportEditionFile))}
    assert sorted(kept) == ["csv", "docx", "html", "json", "odt", "pdf"]
    assert "Tous les fichiers sont prêts." in page
    client.post("/deconnexion")

    first = client.get("/c/test/rapport/editions/1.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert first.headers["Content-Disposition"] == (
        'attachment; filename="rapport-convention-edition-1.pdf"'
    )
    assert first.headers["ETag"] == f'"{kept["pdf"].sha256}"'
    assert hashlib.sha256(first.data).hexdigest() == kept["pdf"].sha256
    assert "public" in first.headers["Cache-Control"]
    # The frozen data is no longer read for this file: a download is the kept bytes.
    edition = db.session.scalar(select(ReportEdition))
    edition.data = {**edition.data, "recommendation_count": 999}
    db.session.commit()
    again = client.get("/c/test/rapport/editions/1.pdf")
    assert again.data == first.data
    # A browser that has the file already is told so; a reader may ask for part of it.
    assert (
        client.get(
            "/c/test/rapport/editions/1.pdf", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )
    part = client.get("/c/test/rapport/editions/1.pdf", headers={"Range": "bytes=0-4"})
    assert part.status_code == 206 and part.data == b"%PDF-"
    index = client.get("/c/test/rapport").text
    assert re.search(
        r'href="/c/test/rapport/editions/1\.pdf">PDF</a> <span class="meta">\(\d+(,\d)? ko\)', index
    ), index


def test_an_edition_without_kept_files_is_rendered_at_its_first_download(
    client, adopted, query_counter
):
    # Published by the service alone, as editions were before their files were kept.
    services.publish_report(adopted.staff, adopted.convention)
    db.session.commit()
    assert db.session.scalars(select(ReportEditionFile)).all() == []
    assert (
        'href="/c/test/rapport/editions/1.csv">Données CSV</a></li>'
        in client.get("/c/test/rapport").text
    )
    first = client.get("/c/test/rapport/editions/1.csv")
    assert first.status_code == 200 and b"reference,number,theme" in first.data
    (kept,) = db.session.scalars(select(ReportEditionFile)).all()
    assert (kept.format, kept.size) == ("csv", len(first.data))
    query_counter.reset()
    assert client.get("/c/test/rapport/editions/1.csv").data == first.data
    # The convention, the edition, its file: the report's data is not read again.
    assert query_counter.count == 3
    assert not any("report_edition.data" in s for s in query_counter.statements)
    assert len(db.session.scalars(select(ReportEditionFile)).all()) == 1
    client.get("/langue/en")
    assert re.search(
        r'CSV data</a> <span class="meta">\(\d+ bytes\)', client.get("/c/test/rapport").text
    )
    assert client.get("/c/test/rapport/editions/1.exe").status_code == 404
    assert client.get("/c/test/rapport/editions/2.csv").status_code == 404


def test_with_redis_the_worker_renders_a_new_edition_s_files(queued_app, adopted, pdf_renderer):
    db.session.commit()
    client = queued_app.test_client()
    login(client, adopted.staff)
    page = client.post("/c/test/gestion/publication/publier", follow_redirects=True).text
    assert "L&#39;édition 1 du rapport est publiée." in page  # at once: the files come later
    assert db.session.scalars(select(ReportEditionFile)).all() == []
    assert "Fichiers en préparation\u202f: PDF, HTML, CSV, JSON, ODT, DOCX" in page
    with queued_app.app_context():
        worker.work(REDIS_FOR_TESTS, burst=True)
    assert "Tous les fichiers sont prêts." in client.get("/c/test/gestion/publication/").text
    kept = db.session.scalars(select(ReportEditionFile).order_by(ReportEditionFile.id)).all()
    assert [f.format for f in kept][-1] == "pdf"  # the long one last
    assert sorted(f.format for f in kept) == ["csv", "docx", "html", "json", "odt", "pdf"]
    assert client.get("/c/test/rapport/editions/1.pdf").data.startswith(b"%PDF")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the lock that keeps two renderings of one file apart is PostgreSQL's",
)
def test_a_download_while_the_file_is_being_rendered_is_asked_to_come_back(client, adopted):
    edition = services.publish_report(adopted.staff, adopted.convention)
    db.session.commit()
    key = (edition.id, list(RENDERERS).index("csv"))
    with db.engine.connect() as worker:  # as the worker rendering the new edition holds it
        worker.execute(select(func.pg_advisory_lock(*key)))
        response = client.get("/c/test/rapport/editions/1.csv")
        assert response.status_code == 503 and response.headers["Retry-After"] == "10"
        assert "Ce fichier est en cours de préparation." in response.text
        # No page that reloads by itself (RGAA 13.1): a live region the script updates, and a
        # link to try again by hand.
        assert 'http-equiv="refresh"' not in response.text
        assert 'aria-live="polite"' in response.text and "Réessayer maintenant" in response.text
        assert "js/file-ready.js" in response.text
        assert (
            client.head("/c/test/rapport/editions/1.csv").status_code == 503
        )  # what the script asks
        assert db.session.scalars(select(ReportEditionFile)).all() == []
        worker.execute(select(func.pg_advisory_unlock(*key)))
    response = client.get("/c/test/rapport/editions/1.csv")
    assert response.status_code == 200 and b"reference,number,theme" in response.data


def test_report_and_emails_are_in_french_whatever_language_the_staff_member_reads(
    client, adopted, mailbox
):
    rec = adopted.adopted[0]
    discussion.follow(
        adopted.citizen,
        discussion.thread_for(adopted.convention, TargetKind.RECOMMENDATION, rec.id),
    )
    db.session.commit()
    login(client, adopted.staff)
    client.get("/langue/en")
    assert "The report will be frozen" in client.get("/c/test/gestion/publication/publier").text
    client.post("/c/test/gestion/publication/publier")
    phases = {
        p["kind"]: p["label"]
        for p in client.get("/c/test/rapport/editions/1.json").get_json()["process"]["phases"]
    }
    assert phases["deliberation"] == "Délibération"
    assert phases["members_vote"] == "Vote des membres"

    page = client.post(
        f"/c/test/gestion/publication/reponses/{rec.number}/suivi",
        data={
            "suivi-happened_on": "2027-05-01",
            "suivi-progress": "30",
            "suivi-text": "Premier lot en ligne.",
        },
        follow_redirects=True,
    )
    assert "1 person notified" in page.text
    email = mailbox.last_to(adopted.citizen.email)
    assert email["Subject"] == f"Suivi de {rec.reference}\u202f: 30\u202f%"
    assert "30\u202f% réalisé" in email.get_body(("plain",)).get_content()


def test_before_its_publication_the_report_page_says_when_and_what_it_will_hold(client):
    staff = factories.user(Role.STAFF)
    convention = factories.convention(staff)
    assembly_services.set_phase_dates(
        staff, convention, PhaseKind.PUBLICATION, datetime(2027, 3, 15, 9, tzinfo=UTC), None
    )
    db.session.commit()
    page = visible_text(client.get(at(convention, "/rapport")).text)
    assert "Le rapport final n'est pas encore publié." in page
    assert (
        "Il sera publié pendant la phase «\u202fPublication et réponses\u202f», "
        "à partir du 15 mars 2027." in page
    )
    assert "le vote des membres et son empreinte, le jugement du public" in page
    assert "Les recommandations en cours d'écriture" in page
