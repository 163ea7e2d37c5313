"""`world`: a convention in deliberation with one working group, its facilitator and
members (built by `tests.factories.build_world`)."""

import pytest

# The discussion and publication tests still import open_phase from here.
from tests.factories import build_world, open_phase  # noqa: F401


@pytest.fixture
def world():
    return build_world()
