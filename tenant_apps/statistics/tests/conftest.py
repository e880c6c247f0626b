import pytest

from tenant_apps.statistics import visits


def _forget_visits():
    redis = visits.redis_connection()
    keys = list(redis.scan_iter(match="parvis:*visits:*", count=500))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def redis_visits(db):
    """Real Redis (this run's own database), with no visit counted yet: counts outlive the rolled-back database."""
    _forget_visits()
    yield visits.redis_connection()
    _forget_visits()
