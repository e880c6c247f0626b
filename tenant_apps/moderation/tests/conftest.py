import pytest

from tenant_apps.moderation.tests.helpers import received


@pytest.fixture
def heard():
    """The happenings delivered to listeners during the test (listeners run on commit)."""
    received.clear()
    yield received
    received.clear()
