"""Sentry events and log lines say which collectivity they come from."""

import io
import json
import logging

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from conftest import HostClient
from shared_apps.core.logging import logging_config
from shared_apps.core.observability import init_sentry

pytestmark = pytest.mark.django_db


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    init_sentry(dsn="https://public@sentry.example/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to a disabled client


def test_an_error_on_a_city_host_reaches_sentry_tagged_with_the_collectivity(sentry_events, city_a, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("panne du rendu")

    monkeypatch.setattr("tenant_apps.portal.views.render", broken)
    response = HostClient(city_a.host, raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()  # the 500 page, never a traceback
    sentry_sdk.flush()
    errors = [event for event in sentry_events if event.get("exception")]
    assert len(errors) == 1
    assert errors[0]["tags"]["collectivity"] == "ville-a"
    assert errors[0]["exception"]["values"][0]["value"] == "panne du rendu"


def test_events_outside_requests_are_tagged_too(sentry_events, city_b, in_city):
    with in_city(city_b):
        sentry_sdk.capture_message("depuis une tâche")
    sentry_sdk.capture_message("depuis le plan de contrôle")
    sentry_sdk.flush()
    tags = {event["message"]: event["tags"]["collectivity"] for event in sentry_events}
    assert tags == {"depuis une tâche": "ville-b", "depuis le plan de contrôle": "public"}


def test_log_lines_are_json_and_carry_the_collectivity(city_a):
    config = logging_config(fmt="json", level="INFO")["formatters"]["structured"].copy()
    formatter = config.pop("()")(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        HostClient(city_a.host).get("/page-qui-n-existe-pas/", HTTP_X_REQUEST_ID="req-42")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    not_found = [line for line in lines if "Not Found" in line["event"]]
    assert not_found, lines
    assert not_found[0]["collectivity"] == "ville-a"
    assert not_found[0]["request_id"] == "req-42"
    assert not_found[0]["level"] == "warning"
