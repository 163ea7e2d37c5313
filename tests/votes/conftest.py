"""`vw`: a convention in its members' vote with three submitted recommendations, with helpers
to reach the public consultation (built by `tests.factories.build_vote_world`)."""

import pytest

# The publication tests still import citizens and in_hours from here.
from tests.factories import build_vote_world, citizens, in_hours  # noqa: F401


@pytest.fixture
def vw():
    return build_vote_world()
