"""Running jobs at the same instant on committed data, for the tests that prove "nothing doubled"."""

import threading

from django.db import connection
from django_tenants.utils import schema_context


def at_once(jobs, *, schema: str) -> list[Exception]:
    """Run `jobs` in threads released together, each in `schema` on its own database connection.

    Each job prepares (reads what it needs) and returns the callable to race with; the threads wait at a
    barrier between the two, so the writes really collide. Returns the exceptions the jobs raised.
    """
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []

    def run(job):
        try:
            with schema_context(schema):
                prepared = job()
                barrier.wait(timeout=30)
                prepared()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors
