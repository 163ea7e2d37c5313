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
