"""A convention in its members' vote with three submitted recommendations, and helpers to
reach the public consultation."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade

from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.config import PROJECT_ROOT
from convention.extensions import db
from convention.proposals import services
from convention.votes import adoption, consultation, rules
from tests import factories
from tests.conftest import fresh_database_url, make_test_app, worker_id
from tests.proposals.conftest import World, build_world, open_phase



def in_hours(hours: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(hours=hours)


@dataclass
class VoteWorld:
    base: World
    recs: list = field(default_factory=list)
    not_submitted: object = None

    def __getattr__(self, name):
        return getattr(self.base, name)

    @property
    def voters(self):
        """Every member of the convention: the group's five and the other group's one."""
        return self.base.members + [self.base.outsider]

    def ballot(self, rec=None, *, secret=None, **rule_values):
        if secret is not None or rule_values:
            current = rules.rules_for(self.convention)
            values = {"quorum_percent": current.quorum_percent, "threshold": "1/2",
                      "abstentions_count": current.abstentions_count,
                      "secret": current.secret if secret is None else secret,
                      "ungraded_as_reject": True, "results_hidden_until_close": True}
            values.update(rule_values)
            rules.update_rules(self.staff, self.convention, **values)
        return adoption.open_ballots(self.facilitator, self.convention, [rec or self.recs[0]],
                                     in_hours(8))[0]

    def to_consultation(self, adopted_count=3, *, ungraded_as_reject=True,
                        results_hidden_until_close=True):
        """Adopt recommendations through named votes, then open the consultation."""
        rules.update_rules(self.staff, self.convention, quorum_percent=50, threshold="1/2",
                           abstentions_count=False, secret=False,
                           ungraded_as_reject=ungraded_as_reject,
                           results_hidden_until_close=results_hidden_until_close)
        for rec in self.recs[:adopted_count]:
            ballot = adoption.open_ballots(self.facilitator, self.convention, [rec],
                                           in_hours(8))[0]
            for member in self.voters:
                adoption.cast_vote(member, ballot, adoption.Choice.FOR)
            adoption.close_ballot(self.facilitator, ballot, self.convention)
        open_phase(self.staff, self.convention, PhaseKind.CONSULTATION)
        return consultation.open_consultation(self.staff, self.convention, in_hours(24 * 7))


def build_vote_world(n_recs: int = 3) -> VoteWorld:
    base = build_world()
    recs = []
    for i in range(n_recs):
        rec = base.published(title=f"Recommandation numéro {i + 1}")
        services.submit_to_vote(base.facilitator, rec, base.convention)
        recs.append(rec)
    not_submitted = base.published(title="Publiée mais pas soumise")
    open_phase(base.staff, base.convention, PhaseKind.MEMBERS_VOTE)
    db.session.flush()
    return VoteWorld(base, recs, not_submitted)


@pytest.fixture
def vw():
    return build_vote_world()


def citizens(n: int, *, confirmed: bool = True):
    return [factories.user(Role.CITIZEN, confirmed=confirmed) for _ in range(n)]


@pytest.fixture(scope="module")
def committed_app(tmp_path_factory, smtp_server):
    """An app on its own migrated database where commits are real, with enough connections for
    the concurrency tests."""
    url = fresh_database_url(tmp_path_factory.mktemp("votes"), f"votes_{worker_id()}")
    application = make_test_app(url, smtp_server[1], SQLALCHEMY_ENGINE_OPTIONS={
        "pool_size": 30, "max_overflow": 0, "pool_timeout": 60})
    with application.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    yield application
    with application.app_context():
        db.engine.dispose()
