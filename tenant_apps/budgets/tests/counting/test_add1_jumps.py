"""Add1's certified jumps (the reference loop) and the compiled unit-by-unit loop give exactly what trying every
increment with the reference engine gives."""

import pytest
from hypothesis import HealthCheck, given, settings

from tenant_apps.budgets.counting import BallotKind, read_pb
from tenant_apps.budgets.counting.mes import MesEngine, add1, cost_of, exhaustive
from tenant_apps.budgets.counting.profile import build_profile

from .reference import FILES, path
from .test_properties import elections


def add1_every_increment(engine: MesEngine) -> tuple[list[int], int]:
    """Add1 as defined: one MES run per currency unit added to each share."""
    p = engine.profile
    b0 = p.election.budget / p.total_voters
    current, k = engine.run(b0).selected, 0
    while not exhaustive(p, current):
        following = engine.run(b0 + k + 1).selected
        if cost_of(p, following) > p.election.budget:
            break
        current, k = following, k + 1
    return current, k


def _check(election):
    profile = build_profile(election)
    engine = MesEngine(profile, cost_utility=election.kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK))
    result = add1(engine, compiled=False)
    selected, k = add1_every_increment(engine)
    assert result.run.selected == selected
    assert result.increments == k
    fast = add1(engine)
    assert fast.run.selected == selected and fast.increments == k
    return result


@pytest.mark.parametrize("key", list(FILES))
def test_real_files(key):
    result = _check(read_pb(path(key)).election())
    if result.increments > 100:  # Assen 843 increments, Kraków and Cambridge 325, Toulouse 737
        assert result.runs < result.increments / 2


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(max_ballots=8))
def test_generated_elections(election):
    if build_profile(election).total_voters:
        _check(election)


@pytest.mark.parametrize("key", list(FILES))
def test_the_compiled_loop_is_used_and_agrees_with_the_reference_engine(key):
    """The compiled runs are a dependency of the platform (numba): Add1 must not quietly fall back to the slow
    loop because the compiled and reference engines disagree on an outcome."""
    from tenant_apps.budgets.counting import mes_fast
    from tenant_apps.budgets.counting.mes import _add1_compiled

    assert mes_fast.available()
    election = read_pb(path(key)).election()
    engine = MesEngine(build_profile(election),
                       cost_utility=election.kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK))
    b0 = election.budget / engine.profile.total_voters
    assert _add1_compiled(engine, engine.run(b0), int(election.budget), b0) is not None
