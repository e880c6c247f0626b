"""`manage.py pb_tally` through a subprocess, with an unreachable database: it must not need one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tenant_apps.budgets.counting import read_pb

from .reference import path

ROOT = Path(__file__).resolve().parents[4]


def run(*args):
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "manage.py", "pb_tally", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_prints_the_selected_projects_one_per_line():
    result = run(path("krakow"), "--rule", "greedy")
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == read_pb(path("krakow")).selected
    assert "Traceback" not in result.stderr


def test_json_output():
    result = run(path("assen"), "--rule", "mes-add1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["selected"]) == read_pb(path("assen")).selected
    assert data["budget"] == 100_000 and data["rule"] == "mes-add1"
    assert data["results"]["3"]["reason"] in ("mes_selected", "mes_selected_by_completion")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--rule", "lottery"], 2, "invalid choice"),
    (["--rule", "majority-judgment"], 1, "cannot count"),
])
def test_bad_rule(args, code, message):
    result = run(path("krakow"), *args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_file(tmp_path):
    missing = run(tmp_path / "missing.pb", "--rule", "greedy")
    assert missing.returncode == 1 and "No such file" in missing.stderr
    broken = tmp_path / "broken.pb"
    broken.write_text("META\nkey;value\nbudget;x\n")
    result = run(broken, "--rule", "greedy")
    assert result.returncode == 1
    assert "broken.pb" in result.stderr and "Traceback" not in result.stderr
