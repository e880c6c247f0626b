"""Where visits are counted: Redis HyperLogLogs, one per collectivity, day and scope (platform or process).

A HyperLogLog keeps an estimate of how many distinct elements it saw, never the elements themselves.
The element added is a hash of the day, the secret key, the IP address and the user agent: it changes
every day, so nobody can follow a visitor from one day to the next, and no IP address is ever stored.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import connection

# Counts are copied into DailyVisits the next night; the keys stay a little longer in case a night is missed.
KEY_LIFETIME = 3 * 24 * 3600
ALL = "all"


def redis_available() -> bool:
    """True when the default cache is a Redis one (django_redis): visits are counted only then."""
    return settings.CACHES.get("default", {}).get("BACKEND", "").startswith("django_redis")


def redis_connection():
    from django_redis import get_redis_connection  # noqa: PLC0415 (only installed setups with Redis need it)

    return get_redis_connection("default")


def visit_key(*, day: dt.date, process_id: int | None = None, signed_in: bool = False,
              schema: str | None = None) -> str:
    """The HyperLogLog of distinct visitors of `day` in this collectivity (`process_id` None: the whole platform)."""
    schema = schema or connection.schema_name
    kind = "signed_in_visits" if signed_in else "visits"
    return f"parvis:{schema}:{kind}:{day.isoformat()}:{process_id or ALL}"


def visitor_token(*, day: dt.date, address: str, user_agent: str) -> str:
    """A daily, salted hash of who is visiting: the same person gives the same token all day, another one tomorrow."""
    material = "\x1f".join([day.isoformat(), settings.SECRET_KEY, address, user_agent])
    return hashlib.sha256(material.encode()).hexdigest()


def client_address(request) -> str:
    # Behind the ingress the client is the first address of X-Forwarded-For. A forged header can only
    # inflate a visitor count, which anyone can do by changing their user agent anyway.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
