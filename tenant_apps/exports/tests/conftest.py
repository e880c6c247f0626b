import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _english(client_a):
    """Column headers are translated: the tests read them in English."""
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
