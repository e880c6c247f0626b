"""Vote day: ballots cast by many voters at once over real HTTP, against a plain insert in PostgreSQL.

A gunicorn server on loopback serves the demo city; CONCURRENCY threads, each a signed-in citizen
with their own session, POST a whole ballot (approval, 3 projects) to the budget's ballot page, then
change it once. The baseline is the cheapest possible durable vote: one INSERT of one row per
transaction into a table of the same database, by the same number of concurrent connections. Both
report requests per second and latency percentiles; the ratios are what to compare between runs.

Every acknowledged ballot is checked afterwards: one mark and one ballot per voter, the changed
choices stored (the bench fails otherwise).
"""

import concurrent.futures
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

VOTERS = int(os.environ.get("BENCH_VOTERS", "400"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(max(2, (os.cpu_count() or 2)))))
RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results" / "voting.json"
SCHEMA = "villeneuve"
TITLE = "Banc d'essai du jour de vote"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _summary(latencies, seconds):
    return {"requests": len(latencies), "seconds": round(seconds, 3), "rps": round(len(latencies) / seconds, 1),
            "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
            "p95_ms": round(_percentile(latencies, 0.95) * 1000, 2)}


def _edition_setup(host):
    """A budget edition open to vote in the demo city, with VOTERS citizens signed in (session cookies)."""
    from django.contrib.auth.hashers import make_password

    from shared_apps.accounts.models import User
    from tenant_apps.budgets.tests.factories import budget_make, edition_make, phases_shift_to
    from tenant_apps.participation.models import Process

    with schema_context(SCHEMA):
        Process.objects.filter(title=TITLE).delete()
        User.objects.filter(email__startswith="banc-vote-").delete()
        admin = User.objects.filter(role="city_admin", is_active=True).order_by("id").first()
        edition = edition_make(admin=admin, title=TITLE)
        budget, projects = budget_make(edition, admin=admin, name="Banc d'essai", amount=1_000_000,
                                       costs=[50_000 + 10_000 * i for i in range(12)], max_choices=5)
        phases_shift_to(edition, "budget_vote")
        cookies = []
        # Accounts made in bulk (hashing a password per voter would dominate the set-up); they sign in by session.
        voters = User.objects.bulk_create([
            User(email=f"banc-vote-{n}@exemple.fr", full_name=f"Votant {n}", password=make_password(None),
                 terms_accepted_at=timezone.now()) for n in range(VOTERS)])
        for voter in voters:
            client = Client(HTTP_HOST=host)
            client.force_login(voter)
            cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        ids = [p.pk for p in projects]
    connection.set_schema_to_public()
    return edition, budget, ids, cookies


def _teardown():
    from shared_apps.accounts.models import User
    from tenant_apps.participation.models import Process

    with schema_context(SCHEMA):
        Process.objects.filter(title=TITLE).delete()
        User.objects.filter(email__startswith="banc-vote-").delete()
    connection.set_schema_to_public()


class Voter:
    def __init__(self, base, host, path, session):
        self.base, self.host, self.path = base, host, path
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())
        self.session = session
        self.csrf = ""

    def _request(self, method, data=None):
        headers = {"Host": self.host, "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}"
                   + (f"; {settings.CSRF_COOKIE_NAME}={self.csrf}" if self.csrf else ""),
                   "Referer": f"http://{self.host}{self.path}", "Content-Type": "application/x-www-form-urlencoded"}
        # Always http://127.0.0.1: the server this bench started.
        request = urllib.request.Request(self.base + self.path, method=method, data=data,  # noqa: S310
                                         headers=headers)
        try:
            return self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            return error

    def prepare(self):
        response = self._request("GET")
        body = response.read().decode()
        assert response.status == 200, (response.status, body[:500])
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        self.submission = re.search(r'name="submission_token" value="([^"]+)"', body).group(1)
        for cookie in self.jar:
            if cookie.name == settings.CSRF_COOKIE_NAME:
                self.csrf = cookie.value

    def vote(self, choices, submission):
        data = urllib.parse.urlencode([("csrfmiddlewaretoken", self.token), ("submission_token", submission)]
                                      + [("project", str(c)) for c in choices]).encode()
        start = time.perf_counter()
        response = self._request("POST", data)
        response.read()
        elapsed = time.perf_counter() - start
        assert response.status in (302, 303), response.status
        return elapsed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _server(port):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false",
           "LOG_LEVEL": "ERROR", "PARVIS_URL_PORT": f":{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(WORKERS),
         "--threads", "1", "--log-level", "warning", "--timeout", "120"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def _cast_all(voters, ids, change: bool):
    def one(pair):
        n, voter = pair
        first = [ids[n % len(ids)], ids[(n + 3) % len(ids)], ids[(n + 7) % len(ids)]]
        if change:
            first = [ids[(n + 1) % len(ids)], ids[(n + 5) % len(ids)]]
        return voter.vote(first, voter.submission if not change else _uuid())

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        latencies = list(pool.map(one, enumerate(voters)))
    return latencies, time.perf_counter() - start


def _uuid():
    import uuid

    return str(uuid.uuid4())


def _insert_baseline(n):
    """The same number of rows, one per transaction, by CONCURRENCY connections: the floor of a durable vote."""
    import psycopg

    params = connection.get_connection_params()
    dsn = {k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}}
    with psycopg.connect(**dsn, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS public.bench_plain_vote")
        c.execute("CREATE TABLE public.bench_plain_vote (id bigserial PRIMARY KEY, voter int NOT NULL UNIQUE, "
                  "choices jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")

    def worker(rows):
        out = []
        with psycopg.connect(**dsn, autocommit=True) as c:
            for voter in rows:
                start = time.perf_counter()
                c.execute("INSERT INTO public.bench_plain_vote (voter, choices) VALUES (%s, %s)",
                          [voter, json.dumps({"1": 1, "4": 1, "8": 1})])
                out.append(time.perf_counter() - start)
        return out

    chunks = [list(range(i, n, CONCURRENCY)) for i in range(CONCURRENCY)]
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        latencies = [x for part in pool.map(worker, chunks) for x in part]
    seconds = time.perf_counter() - start
    with psycopg.connect(**dsn, autocommit=True) as c:
        c.execute("DROP TABLE public.bench_plain_vote")
    return latencies, seconds


def _check(edition, budget, voters_count):
    from tenant_apps.budgets.models import Ballot, VoterMark

    with schema_context(SCHEMA):
        marks = VoterMark.objects.filter(budget=budget).count()
        ballots = Ballot.objects.filter(budget=budget)
        versions = sorted(set(ballots.values_list("version", flat=True)))
        count = ballots.count()
    connection.set_schema_to_public()
    assert marks == voters_count and count == voters_count, (marks, count, voters_count)
    assert versions == [2], versions
    return {"marks": marks, "ballots": count}


def main() -> None:
    from django.core.management import call_command

    call_command("migrate_schemas", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    root = settings.PARVIS_ROOT_DOMAIN
    host = f"{SCHEMA}.{root}"
    edition, budget, ids, cookies = _edition_setup(host)
    port = _free_port()
    server = _server(port)
    try:
        path = f"/budget/enveloppes/{budget.pk}/voter/"
        voters = [Voter(f"http://127.0.0.1:{port}", host, path, c) for c in cookies]
        with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(lambda v: v.prepare(), voters))
        cast, cast_s = _cast_all(voters, ids, change=False)
        changed, changed_s = _cast_all(voters, ids, change=True)
        checked = _check(edition, budget, len(voters))
    finally:
        server.terminate()
        server.wait(timeout=30)
    plain, plain_s = _insert_baseline(len(voters))
    _teardown()
    rows = {"plain INSERT (baseline)": _summary(plain, plain_s), "first ballot (POST)": _summary(cast, cast_s),
            "ballot change (POST)": _summary(changed, changed_s)}
    base = rows["plain INSERT (baseline)"]
    print(f"\nVote day: {len(voters)} voters, {CONCURRENCY} at once, gunicorn {WORKERS} workers on loopback")
    print(f"{'':<26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'rps ÷ base':>11} {'p95 × base':>11}")
    for label, r in rows.items():
        print(f"{label:<26} {r['rps']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['rps'] / base['rps']:>11.3f} "
              f"{r['p95_ms'] / base['p95_ms']:>11.1f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": timezone.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
        "voters": len(voters), "concurrency": CONCURRENCY, "workers": WORKERS, "results": rows,
        "checked": checked, "date": dt.date.today().isoformat()}, indent=2) + "\n")
