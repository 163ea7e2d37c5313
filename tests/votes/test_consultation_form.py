"""The consultation form with real commits. On PostgreSQL a judgment is one statement that
checks the signed-in person itself; whatever it cannot write goes the full way, which says why
(on SQLite every judgment goes that way). One convention for the module: the form grades the
consultation of the site's convention."""

import itertools
import os
import threading

import pytest
from sqlalchemy import event, func, select

from convention.auth.models import Role, User
from convention.extensions import db
from convention.votes import consultation
from convention.votes.models import Consultation, Judgment
from tests import factories
from tests.factories import build_vote_world

pytestmark = pytest.mark.no_db
postgresql_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the one-statement judgment is PostgreSQL's (SQLite runs the steps one by one)",
)

SAVED = "Vos mentions sont enregistrées"


@pytest.fixture(scope="module")
def site(committed_app):
    """The site's convention in its consultation, with three adopted recommendations."""
    with committed_app.app_context():
        world = build_vote_world(n_recs=3)
        found = world.to_consultation(adopted_count=3)
        db.session.commit()
        return {"consultation": found.id, "recs": [r.id for r in world.recs]}


def person(app, **options):
    with app.app_context():
        someone = factories.user(Role.CITIZEN, **options)
        db.session.commit()
        return someone.id, someone.email


_addresses = itertools.count(1)


def signed_in(app, email):
    """A browser of its own address (sign-ins are rate limited per address)."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.9.{n // 250}.{n % 250 + 1}"
    factories.login(client, email)
    return client


CHECKOUT = "(a connection taken from the pool)"


def statements_during(app, action):
    """What `action` asks of the database: each connection taken from the pool, and each
    statement run through SQLAlchemy."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    def checkout(*args):
        seen.append(CHECKOUT)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine.pool, "checkout", checkout)
    try:
        result = action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine.pool, "checkout", checkout)
    return result, seen


def grades_of(app, citizen_id):
    with app.app_context():
        return dict(
            db.session.execute(
                select(Judgment.recommendation_id, Judgment.grade).where(
                    Judgment.citizen_id == citizen_id, Judgment.grade.is_not(None)
                )
            ).all()
        )


@postgresql_only
def test_a_judgment_loads_nothing_and_the_page_confirms_it(committed_app, site):
    app = committed_app
    first, second, _ = site["recs"]
    citizen_id, email = person(app)
    client = signed_in(app, email)
    response, statements = statements_during(
        app,
        lambda: client.post(
            "/c/test/votes/consultation", data={f"rec_{first}": "1", f"rec_{second}": "4"}
        ),
    )
    assert response.status_code == 302
    assert response.location.endswith("/c/test/votes/consultation?enregistre=1")
    # One connection and nothing through SQLAlchemy: the person is not loaded, the one
    # statement goes through the driver itself.
    assert statements == [CHECKOUT]
    assert "Set-Cookie" not in response.headers  # the session is not rewritten
    assert SAVED in client.get(response.location).get_data(as_text=True)
    assert grades_of(app, citizen_id) == {first: 1, second: 4}
    # Changed, then one taken back: the same single statement.
    client.post("/c/test/votes/consultation", data={f"rec_{first}": "", f"rec_{second}": "0"})
    assert grades_of(app, citizen_id) == {second: 0}
    with app.app_context():
        found = db.session.get(Consultation, site["consultation"])
        counts = consultation.grade_counts(site["recs"])
        recount = db.session.execute(
            select(Judgment.recommendation_id, Judgment.grade, func.count())
            .where(Judgment.grade.is_not(None))
            .group_by(Judgment.recommendation_id, Judgment.grade)
        ).all()
        assert all(counts[rec][grade] == n for rec, grade, n in recount)
        assert consultation.participants(found) >= 1


def test_the_confirmation_is_not_shown_to_someone_with_no_grade(committed_app, site):
    _, email = person(app=committed_app)
    client = signed_in(committed_app, email)
    page = client.get("/c/test/votes/consultation?enregistre=1").get_data(as_text=True)
    assert SAVED not in page


def test_an_unconfirmed_person_is_told_why_and_nothing_is_written(committed_app, site):
    citizen_id, email = person(committed_app, confirmed=False)
    client = signed_in(committed_app, email)
    response = client.post(
        "/c/test/votes/consultation", data={f"rec_{site['recs'][0]}": "2"}, follow_redirects=True
    )
    assert "abord votre adresse électronique.</p>" in response.get_data(as_text=True)
    assert grades_of(committed_app, citizen_id) == {}


def test_a_person_deleted_since_signing_in_is_sent_to_the_login_page(committed_app, site):
    citizen_id, email = person(committed_app)
    client = signed_in(committed_app, email)
    with committed_app.app_context():
        db.session.delete(db.session.get(User, citizen_id))
        db.session.commit()
    response = client.post("/c/test/votes/consultation", data={f"rec_{site['recs'][0]}": "2"})
    assert response.status_code == 302 and "/connexion" in response.location
    with committed_app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Judgment).where(Judgment.citizen_id == citizen_id)
            )
            == 0
        )


def test_a_session_from_another_browser_goes_the_full_way_and_is_saved(committed_app, site):
    citizen_id, email = person(committed_app)
    client = signed_in(committed_app, email)
    response, statements = statements_during(
        committed_app,
        lambda: client.post(
            "/c/test/votes/consultation",
            data={f"rec_{site['recs'][2]}": "3"},
            headers={"User-Agent": "Another browser"},
        ),
    )
    assert response.location.endswith("?enregistre=1")
    assert len(statements) > 1  # the person was loaded first
    assert grades_of(committed_app, citizen_id) == {site["recs"][2]: 3}


@postgresql_only
def test_simultaneous_double_submissions_through_the_form_leave_one_judgment_each(
    committed_app, site
):
    """Fifty people each send the form twice at the same moment (a double click), with
    different grades: one judgment per person and recommendation, counters equal the recount."""
    app = committed_app
    people = [person(app) for _ in range(50)]
    clients = {citizen_id: signed_in(app, email) for citizen_id, email in people}
    rec_ids = site["recs"]
    barrier = threading.Barrier(len(people) * 2)
    errors, statuses = [], []

    def submit(citizen_id, attempt):
        try:
            barrier.wait(timeout=30)
            grades = {
                f"rec_{rec}": str((citizen_id + attempt + i) % 7) for i, rec in enumerate(rec_ids)
            }
            response = clients[citizen_id].post("/c/test/votes/consultation", data=grades)
            statuses.append((response.status_code, response.location))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=submit, args=(citizen_id, attempt))
        for citizen_id, _ in people
        for attempt in (0, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [(302, "/c/test/votes/consultation?enregistre=1")] * len(threads)
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count())
                .select_from(Judgment)
                .group_by(Judgment.recommendation_id, Judgment.citizen_id)
                .having(func.count() > 1)
            ).all()
            == []
        )
        for citizen_id, _ in people:
            mine = grades_of(app, citizen_id)
            assert set(mine) == set(rec_ids)
            assert len({(mine[rec] - i) % 7 for i, rec in enumerate(rec_ids)}) == 1  # one form
        recount = {rec: [0] * 7 for rec in rec_ids}
        for rec, grade, n in db.session.execute(
            select(Judgment.recommendation_id, Judgment.grade, func.count())
            .where(Judgment.grade.is_not(None))
            .group_by(Judgment.recommendation_id, Judgment.grade)
        ):
            recount[rec][grade] = n
        assert consultation.grade_counts(rec_ids) == {k: tuple(v) for k, v in recount.items()}
