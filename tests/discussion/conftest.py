import pytest

from convention.discussion import services
from convention.discussion.models import TargetKind
from tests.factories import build_world


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def thread(world):
    rec = world.published()
    return services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
