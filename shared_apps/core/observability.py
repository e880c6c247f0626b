"""Sentry: started when SENTRY_DSN is set; every event is tagged with the collectivity's schema."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def tag_collectivity(event, _hint):
    from django.db import connection  # noqa: PLC0415

    event.setdefault("tags", {})["collectivity"] = getattr(connection, "schema_name", "unknown")
    return event


def init_sentry(*, dsn: str, environment: str = "production", **options) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=tag_collectivity,
        before_send_transaction=tag_collectivity,
        traces_sample_rate=0.0,
        # Personal data (IP, cookies, user) is not sent: the SDK's default, kept on purpose.
        **options,
    )
