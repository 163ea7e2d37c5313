"""A service's refusal in a view: rolled back and shown where the person looks (`attempt`)."""

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from convention.auth.models import User
from convention.errors import ConventionError
from convention.extensions import db
from convention.transaction import attempt
from tests import factories


class NameForm(FlaskForm):
    name = StringField()
    title = StringField()


def _accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_refused_service_call_is_rolled_back_and_its_reason_flashed(app):
    before = _accounts()
    with app.test_request_context(method="POST"):
        with attempt() as outcome:
            factories.user()  # written, then the service refuses
            raise ConventionError("Refusé pour une raison claire.")
        assert not outcome.ok
        assert str(outcome.error) == "Refusé pour une raison claire."
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Refusé pour une raison claire.")
        ]
    assert _accounts() == before
    with app.test_request_context(method="POST"):
        with attempt() as outcome:
            factories.user()
        assert outcome.ok and outcome.error is None and get_flashed_messages() == []
    # Not committed by `attempt`: the request commits after the view.
    assert _accounts() == before + 1


def test_with_a_form_the_refusal_is_shown_next_to_its_field(app):
    before = _accounts()
    with app.test_request_context(method="POST", data={"name": "x", "title": "y"}):
        form = NameForm()
        with attempt(form, "name") as outcome:
            factories.user()
            raise ConventionError("Ce titre est déjà pris.", field="title")
        assert not outcome.ok
        assert form.title.errors == ["Ce titre est déjà pris."] and not form.name.errors
        with attempt(form, "name"):
            raise ConventionError("Pas de champ désigné : à côté du nom.")
        assert form.name.errors == ["Pas de champ désigné : à côté du nom."]
        assert get_flashed_messages() == []
    assert _accounts() == before


def test_a_page_without_a_form_collects_refusals_by_field(app):
    with app.test_request_context(method="POST"):
        refusals: dict[str, str] = {}
        with attempt(refusals):
            raise ConventionError("Mention inconnue.", field="rec_3")
        assert refusals == {"rec_3": "Mention inconnue."}
        with attempt(refusals):
            raise ConventionError("La consultation est close.")
        assert get_flashed_messages() == ["La consultation est close."]
