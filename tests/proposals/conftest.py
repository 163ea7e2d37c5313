"""A convention in deliberation with one working group, its facilitator and members."""
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from convention.assembly import hearings
from convention.assembly import services as assembly
from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.proposals import services
from convention.config import PROJECT_ROOT
from convention.extensions import db
from flask_migrate import upgrade
from tests import factories
from tests.conftest import fresh_database_url, make_test_app, worker_id


@dataclass
class World:
    convention: object
    staff: object
    facilitator: object
    group: object
    other_group: object
    members: list
    outsider: object
    citizen: object
    theme: object

    def draft(self, author=None, **fields):
        values = {"title": "Un registre public des algorithmes",
                  "problem": "Les habitants ne savent pas quels algorithmes les concernent.",
                  "proposal": "Publier la liste des algorithmes utilisés par la Métropole."}
        values.update(fields)
        return services.draft_recommendation(author or self.members[0], self.convention,
                                             self.group, values)

    def published(self, **fields):
        recommendation = self.draft(**fields)
        services.publish(self.members[0], recommendation, self.convention)
        return recommendation

    def hearing(self, title="Audition de la CNIL"):
        return hearings.publish_hearing(
            self.staff, self.convention, title=title, expert="Claire Martin",
            expert_role="juriste", held_on=datetime(2026, 10, 3, 9, tzinfo=timezone.utc),
            summary="Les obligations de transparence.", declared_interests="Aucun.",
            documents="Support | https://example.org/support.pdf")


def open_phase(staff, convention, target: PhaseKind):
    while convention.current_phase != target:
        assembly.open_next_phase(staff, convention, expected=convention.current_phase)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(scope="module")
def committed_app(tmp_path_factory, smtp_server):
    """An app on its own migrated database where commits are real (for concurrency tests)."""
    url = fresh_database_url(tmp_path_factory.mktemp("committed"), f"committed_{worker_id()}")
    application = make_test_app(url, smtp_server[1])
    with application.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    yield application
    with application.app_context():
        db.engine.dispose()


def build_world() -> World:
    staff = factories.user(Role.STAFF, name="Équipe")
    convention = factories.convention(staff)
    theme = assembly.add_theme(staff, convention, "Services publics")
    facilitator = factories.user(Role.FACILITATOR, name="Hélène R.", first_name="Hélène")
    group = assembly.add_group(staff, convention, "Groupe services publics", theme, facilitator)
    other_group = assembly.add_group(staff, convention, "Groupe santé", None, facilitator)
    members = []
    for first in ("Inès", "Karim", "Léa", "Marc", "Nora"):
        member = factories.user(Role.MEMBER, name=f"{first} B.", first_name=first)
        assembly.add_member(staff, group, member)
        members.append(member)
    outsider = factories.user(Role.MEMBER, name="Omar K.", first_name="Omar")
    assembly.add_member(staff, other_group, outsider)
    citizen = factories.user(Role.CITIZEN, name="Pauline")
    open_phase(staff, convention, PhaseKind.DELIBERATION)
    return World(convention, staff, facilitator, group, other_group, members, outsider,
                 citizen, theme)
