"""The audit log reads as sentences, filters, exports as CSV, and only the convention's staff
(and the site's administrators) read it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from convention.assembly import services as assembly
from convention.audit.describe import describe
from convention.audit.models import AuditEntry
from convention.audit.services import record
from convention.auth.models import Role
from convention.clock import set_back_to
from convention.extensions import db
from tests import factories


def last(action: str) -> AuditEntry:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()


@pytest.fixture
def world():
    return factories.build_vote_world()


def test_staff_and_facilitators_actions_read_as_sentences(world):
    assembly.add_theme(world.staff, world.convention, "Mobilités douces")
    ballot = world.ballot()
    assert describe(last("theme.create")) == "Équipe a créé le thème « Mobilités douces »."
    assert describe(last("adoption_vote_opened")) == (
        f"Hélène R. a ouvert le vote sur la recommandation {ballot.recommendation.reference}."
    )
    assert describe(last("group.add_member")) == (
        "Équipe a ajouté Omar K. au groupe « Groupe santé »."
    )
    with force_locale("en"):
        assert describe(last("theme.create")) == "Équipe created the theme “Mobilités douces”."


def test_an_invitation_accepted_by_its_link_is_told_from_the_persons_side(world):
    member = world.members[0]
    entry = record(None, "sortition.accepted", None, person="V0012", user_id=member.id, by="link")
    assert describe(entry) == "Inès B. a accepté son invitation."
    by_phone = record(world.staff, "sortition.accepted", None, person="V0013", user_id=member.id)
    assert describe(by_phone) == (
        "Équipe a enregistré l'acceptation de Inès B., reçue par téléphone."
    )


def test_an_unknown_action_still_reads_as_a_sentence_without_json(world):
    entry = record(world.staff, "archive.sealed", world.convention, boxes=3, note={"a": 1})
    sentence = describe(entry)
    assert sentence == (
        "Équipe a effectué l'action « archive.sealed » sur la convention. (boxes : 3)"
    )
    assert "{" not in sentence
    # Details of an older shape are told plainly too, not as an error.
    odd = record(world.staff, "theme.create", world.theme, label="Ancien")
    assert describe(odd) == (
        "Équipe a effectué l'action « theme.create » sur un thème. (label : Ancien)"
    )


@pytest.fixture
def staff_client(client, world):
    db.session.commit()
    factories.sign_in(client, world.staff)
    return client


def test_the_journal_shows_sentences_and_filters_by_family_person_and_day(world, staff_client):
    with set_back_to(datetime(2026, 3, 5, 9, tzinfo=UTC)):
        assembly.add_theme(world.staff, world.convention, "Mobilités douces")
    with set_back_to(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)):  # 2 March in Paris
        world.ballot()
    db.session.commit()
    page = staff_client.get("/c/test/gestion/journal").text
    assert "Équipe a créé le thème «\u202fMobilités douces\u202f»." in page
    assert "Hélène R. a ouvert le vote sur la recommandation" in page
    assert "theme.create" not in page and "{&#34;" not in page

    votes = staff_client.get("/c/test/gestion/journal?family=votes").text
    assert "a ouvert le vote" in votes and "a créé le thème" not in votes

    by_person = staff_client.get(f"/c/test/gestion/journal?actor={world.facilitator.id}").text
    assert "Hélène R. a ouvert le vote" in by_person and "Équipe a créé" not in by_person

    day = staff_client.get("/c/test/gestion/journal?since=2026-03-05&until=2026-03-05").text
    assert "a créé le thème «\u202fMobilités douces\u202f»" in day and "a ouvert le vote" not in day
    paris_day = staff_client.get("/c/test/gestion/journal?since=2026-03-02&until=2026-03-02")
    assert "a ouvert le vote" in paris_day.text


@pytest.mark.parametrize(
    "query",
    [
        "family=nothing",
        "actor=999999",
        "actor=%C2%B2",
        "since=31-02-2026",
        "since=2026-03-05&until=2026-03-01",
        "until=2026-13-40",
    ],
)
def test_a_bad_filter_is_explained_and_ignored(world, staff_client, query):
    db.session.commit()
    page = staff_client.get(f"/c/test/gestion/journal?{query}")
    assert page.status_code == 200
    assert "error-message" in page.text
    assert "a créé le groupe de travail «\u202fGroupe services publics\u202f»" in page.text
    assert staff_client.get(f"/c/test/gestion/journal.csv?{query}").status_code == 200


def test_the_csv_export_holds_every_column_for_the_archives(world, staff_client):
    with set_back_to(datetime(2026, 3, 5, 9, 15, 30, tzinfo=UTC)):
        theme = assembly.add_theme(world.staff, world.convention, "Mobilités douces")
    db.session.commit()
    that_day = "since=2026-03-05&until=2026-03-05"
    response = staff_client.get(f"/c/test/gestion/journal.csv?family=convention&{that_day}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.text == (
        "date_utc,actor,action,sentence,target,details\r\n"
        "2026-03-05T09:15:30+00:00,Équipe,theme.create,"
        "Équipe a créé le thème « Mobilités douces ».,"
        f'theme:{theme.id},"{{""name"": ""Mobilités douces""}}"\r\n'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1][5] == '{"name": "Mobilités douces"}'
    votes = staff_client.get(f"/c/test/gestion/journal.csv?family=votes&{that_day}")
    assert votes.text.count("\r\n") == 1


def test_only_the_conventions_staff_and_administrators_read_the_journal(client, world):
    other = factories.convention(slug="autre")
    other_staff = factories.user(Role.STAFF, email="autre@test.example", convention=other)
    admin = factories.user(Role.ADMIN, email="admin@test.example")
    db.session.commit()
    for person, allowed in (
        (world.facilitator, False),
        (world.members[0], False),
        (world.citizen, False),
        (other_staff, False),
        (world.staff, True),
        (admin, True),
    ):
        client.delete_cookie("session")
        factories.sign_in(client, person)
        for path in ("/c/test/gestion/journal", "/c/test/gestion/journal.csv"):
            status = client.get(path).status_code
            assert (status == 200) is allowed, (person.display_name, path, status)
    client.delete_cookie("session")
    assert client.get("/c/test/gestion/journal.csv").status_code == 302
