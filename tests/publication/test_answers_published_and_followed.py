"""Publishing every recorded answer at once, and the feed of implementation progress."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

from convention.auth.models import Role
from convention.extensions import db
from convention.publication import services
from convention.publication.models import AnswerKind
from tests import factories
from tests.pages import visible_text

ATOM = "{http://www.w3.org/2005/Atom}"


def answer_both(adopted):
    first, second = adopted.adopted
    services.record_answer(
        adopted.staff,
        first,
        kind=AnswerKind.ADOPTED,
        service="DSI",
        public_text="Le registre sera en ligne en juin.",
    )
    services.record_answer(
        adopted.staff,
        second,
        kind=AnswerKind.ADOPTED,
        service="Ressources humaines",
        public_text="500 agents formés.",
    )


def test_staff_publish_every_recorded_answer_at_once(client, adopted):
    answer_both(adopted)
    db.session.commit()
    assert "Pas encore de réponse publiée." in client.get("/c/test/reponses").text
    factories.sign_in(client, adopted.staff)
    page = client.post("/c/test/gestion/publication/reponses/publier", follow_redirects=True)
    assert "2 réponses publiées." in visible_text(page.text)
    public = client.get("/c/test/reponses").text
    assert "Le registre sera en ligne en juin." in public and "500 agents formés." in public
    # Sent again (a second tab, a double click): nothing left to publish.
    page = client.post("/c/test/gestion/publication/reponses/publier", follow_redirects=True)
    assert "0 réponse publiée." in visible_text(page.text)


def test_only_staff_publish_the_answers(client, adopted):
    answer_both(adopted)
    factories.user(Role.FACILITATOR, email="facilitatrice@test.example")
    db.session.commit()
    factories.login(client, "facilitatrice@test.example")
    assert client.post("/c/test/gestion/publication/reponses/publier").status_code == 403
    assert "Pas encore de réponse publiée." in client.get("/c/test/reponses").text


def test_the_follow_up_feed_gives_each_progress_update_newest_first(client, adopted):
    rec = adopted.adopted[0]
    services.record_answer(
        adopted.staff, rec, kind=AnswerKind.ADOPTED, service="DSI", public_text="Oui."
    )
    first, _ = services.post_follow_up(
        adopted.staff, rec, happened_on=date(2027, 5, 1), progress=30, text="Premier lot en ligne."
    )
    first.created_at = datetime.now(UTC) - timedelta(days=30)
    services.post_follow_up(
        adopted.staff, rec, happened_on=date(2027, 6, 1), progress=60, text="Deuxième lot en ligne."
    )
    db.session.commit()
    response = client.get("/c/test/flux/suivi.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.find(f"{ATOM}title").text == "Suivi de la mise en œuvre"
    entries = [
        (
            e.find(f"{ATOM}title").text,
            e.find(f"{ATOM}summary").text,
            e.find(f"{ATOM}link").get("href"),
        )
        for e in feed.findall(f"{ATOM}entry")
    ]
    page = f"http://localhost/c/test/recommandations/{rec.number}-{rec.slug}"
    assert entries == [
        (f"{rec.reference} · 60 %", "Deuxième lot en ligne.", page),
        (f"{rec.reference} · 30 %", "Premier lot en ligne.", page),
    ]
