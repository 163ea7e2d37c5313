"""Form pieces shared by every feature."""
from flask import get_flashed_messages
from sqlalchemy import func, select

from convention.auth.models import User
from convention.errors import ConventionError
from convention.forms import committed_or_flashed
from tests import factories


def test_a_refused_service_call_is_rolled_back_and_its_reason_flashed(app):
    from convention.extensions import db

    before = db.session.scalar(select(func.count()).select_from(User))
    with app.test_request_context(method="POST"):
        with committed_or_flashed() as outcome:
            factories.user()                        # written, then the service refuses
            raise ConventionError("Refusé pour une raison claire.")
        assert not outcome.ok
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Refusé pour une raison claire.")]
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    with app.test_request_context(method="POST"):
        with committed_or_flashed() as outcome:
            factories.user()
        assert outcome.ok and get_flashed_messages() == []
    db.session.rollback()                           # what was committed stays
    assert db.session.scalar(select(func.count()).select_from(User)) == before + 1


def test_with_a_form_the_refusal_is_shown_next_to_its_field(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    from convention.extensions import db

    class NameForm(FlaskForm):
        name = StringField()
        title = StringField()

    before = db.session.scalar(select(func.count()).select_from(User))
    with app.test_request_context(method="POST", data={"name": "x", "title": "y"}):
        form = NameForm()
        with committed_or_flashed(form, "name") as outcome:
            factories.user()
            raise ConventionError("Ce titre est déjà pris.", field="title")
        assert not outcome.ok
        assert form.title.errors == ["Ce titre est déjà pris."] and not form.name.errors
        with committed_or_flashed(form, "name"):
            raise ConventionError("Pas de champ désigné : à côté du nom.")
        assert form.name.errors == ["Pas de champ désigné : à côté du nom."]
        assert get_flashed_messages() == []
    assert db.session.scalar(select(func.count()).select_from(User)) == before
