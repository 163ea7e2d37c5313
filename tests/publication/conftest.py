import pytest

from convention.assembly.models import PhaseKind
from convention.proposals import amendments, services
from convention.proposals.models import Choice
from tests.proposals.conftest import build_world, open_phase


@pytest.fixture
def adopted():
    """A convention in its publication phase with two adopted recommendations (one amended)
    and one rejected."""
    world = build_world()
    first = world.published(title="Un registre public des algorithmes")
    amendment = amendments.propose_amendment(
        world.members[1],
        first,
        world.convention,
        {"proposal": "Publier la liste des algorithmes et leurs critères."},
        "Plus précis.",
    )
    amendments.open_vote(world.facilitator, amendment, world.convention)
    for member in world.members[:3]:
        amendments.cast_vote(member, amendment, world.convention, Choice.FOR)
    amendments.decide(world.facilitator, amendment, world.convention)
    second = world.published(
        title='=HYPERLINK("http://evil.example","Former les agents")',
        problem="Peu d'agents formés.",
        proposal="Former 500 agents.",
    )
    third = world.published(title="Une idée rejetée", problem="x", proposal="y")
    for rec in (first, second, third):
        services.submit_to_vote(world.facilitator, rec, world.convention)
    open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    services.record_vote_result(world.staff, first, world.convention, adopted=True)
    services.record_vote_result(world.staff, second, world.convention, adopted=True)
    services.record_vote_result(world.staff, third, world.convention, adopted=False)
    open_phase(world.staff, world.convention, PhaseKind.PUBLICATION)
    world.adopted = [first, second]
    world.rejected = third
    return world
