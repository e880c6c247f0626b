"""The Method of Equal Shares (MES), its Add1 completion, utilitarian completion and comparison step.

Definitions follow equalshares.net (and its compute tool) and pabutools:
- every voter gets an equal share of the budget (budget / number of voters);
- each round, among the projects whose supporters still have enough money together, the one that can be paid
  with the lowest price per unit of utility ρ is selected; each supporter pays ρ × their utility, or all they
  have left if that is less;
- utilities: for approval and knapsack ballots the project's cost (as on equalshares.net: the selected project
  is the one with the highest "effective vote count" cost / largest payment); for cumulative and ranked
  ballots the points the voter gave;
- Add1: the per-voter share is raised one currency unit at a time from budget / voters; stop at the first
  outcome that is exhaustive, or before the first outcome that would cost more than the budget.

Arithmetic is in floating point (as equalshares.net's default "floats" accuracy) with a relative tolerance of
1e-9 for ties and affordability (`ties.RELATIVE_TOLERANCE`): exact ties in rational arithmetic are seen as ties.

Speed (docs/counting.md, "Speed"): identical ballots are merged into weighted groups; each project's supporters
are an index array; a run keeps each project's value from an earlier round in a heap as a lower bound (ρ only
grows as budgets shrink) and recomputes it only for projects that could still win the round; a supporter array
gathered to price the winner is reused to charge it. Add1 stops a run as soon as it costs more than the budget,
and skips increments that provably cannot change the outcome (`MesEngine.run(certify=...)`, `add1`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import mes_fast
from .profile import Profile
from .ties import RELATIVE_TOLERANCE, tie_keys

TOL = RELATIVE_TOLERANCE


@dataclass
class Selection:
    project: int
    round: int
    rho: float  # price per unit of utility
    max_payment: float  # the most one supporter paid
    payers_in_full: int  # supporters who paid the full price (the others paid all they had left)
    value: float = 0.0  # the comparison value that won the round (ρ / scale: lower wins)


@dataclass
class MesRun:
    share: float
    selections: list[Selection]
    budgets: np.ndarray  # each voter group's money left (per voter) at the end

    @property
    def selected(self) -> list[int]:
        return [s.project for s in self.selections]


def group_ballots(profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """Identical ballots merged: (group of each ballot, weight of each group).

    A city-wide approval vote has many identical ballots (100 000 ballots of at most 5 projects among 150
    make about 60 000 distinct ones): MES works per group, with the group's weight.
    """
    n = len(profile.weights)
    if n == 0 or len(profile.flat_project) == 0:
        return np.zeros(n, dtype=np.int64), np.array([profile.weights.sum()]) if n else np.zeros(0)
    n_projects = len(profile.costs)
    top = int(profile.flat_value.max()) + 1
    base = n_projects * top + 1
    code = profile.flat_project * top + profile.flat_value + 1  # 1..base-1, 0 = padding
    lengths = np.bincount(profile.flat_ballot, minlength=n)
    longest = int(lengths.max())
    order = np.argsort(profile.flat_ballot * base + code, kind="stable")
    code = code[order]
    ballot = profile.flat_ballot[order]
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    position = np.arange(len(code)) - starts[ballot]
    if longest * math.log2(base) < 62:
        packed = np.zeros(n, dtype=np.int64)
        nonempty = lengths > 0
        packed[nonempty] = np.add.reduceat(code * base ** position.astype(np.int64), starts[nonempty])
        _, group, counts = np.unique(packed, return_inverse=True, return_counts=True)
    else:
        rows = np.zeros((n, longest), dtype=np.int64)
        rows[ballot, position] = code
        _, group, counts = np.unique(rows, axis=0, return_inverse=True, return_counts=True)
    group = group.reshape(-1)
    weights = np.bincount(group, weights=profile.weights, minlength=len(counts))
    return group, weights


@dataclass
class MesEngine:
    profile: Profile
    drawn_order: Sequence[str] = ()
    cost_utility: bool = True

    def __post_init__(self):
        p = self.profile
        n_projects = len(p.costs)
        self.costs = p.costs.astype(np.float64)
        self.keys = tie_keys(p.ids, p.costs, p.supporters, self.drawn_order)
        group, self.group_weights = group_ballots(p)
        self.group = group
        # Supporters per project as voter groups: one representative ballot per group suffices (any one: the
        # ballots of a group are identical).
        representative = np.zeros(len(self.group_weights), dtype=np.int64)
        representative[group] = np.arange(len(group))
        is_first = np.zeros(len(group), dtype=bool)
        is_first[representative] = True
        self.idx: list[np.ndarray] = []
        self.w: list[np.ndarray] = []
        self.u: list[np.ndarray] = []
        self.wu_total = np.zeros(n_projects)
        self.w_total = np.zeros(n_projects)
        self.uniform = np.zeros(n_projects, dtype=bool)
        self.scale = np.ones(n_projects)  # comparison value = ρ per unit of raw utility / scale
        for j in range(n_projects):
            voters, u = p.supporters_of(j)
            keep = is_first[voters]
            idx = group[voters[keep]]
            u = u[keep]
            w = self.group_weights[idx]
            self.idx.append(idx)
            self.w.append(w)
            self.w_total[j] = w.sum()
            self.uniform[j] = bool(len(u) == 0 or u.min() == u.max())
            self.wu_total[j] = float(w @ u) if len(u) else 0.0
            # Uniform utilities are stored as one number (approval: 1): fewer passes over the arrays.
            self.u.append(np.float64(u[0]) if self.uniform[j] and len(u) else u)
            if self.cost_utility and p.costs[j] > 0:
                # Utility = cost for every supporter: ρ_cost = payment / cost; raw utilities are 1.
                self.scale[j] = float(p.costs[j])
        # Candidates: supported and not free. Free supported projects are taken up front (nothing to pay).
        self.free = [j for j in range(n_projects) if p.costs[j] == 0 and self.wu_total[j] > 0]
        self.candidates = [j for j in range(n_projects) if p.costs[j] > 0 and self.wu_total[j] > 0]
        self.initial_value = {j: self.costs[j] / self.wu_total[j] / self.scale[j] for j in self.candidates}

    # -- one project's price ------------------------------------------------------------------------------
    def _price(self, j: int, b: np.ndarray, low: float) -> tuple[float, np.ndarray | None]:
        """ρ (per unit of raw utility) at which project j's supporters with budgets `b` pay its cost, and the
        mask of supporters who cannot pay ρ × utility and give all they have (None: nobody). `low` is the
        smallest of the budgets `b` (already computed by the caller)."""
        cost = self.costs[j]
        u, w = self.u[j], self.w[j]
        if self.uniform[j]:
            # Payment q per supporter with sum of w·min(b, q) = cost. Start from everyone paying equally and
            # move the supporters who cannot pay q to "pay all they have" until nobody else needs to (q only
            # grows, so this ends; a few passes in practice). Masks are used through dot products: boolean
            # indexing would copy.
            total_w = self.w_total[j]
            q = cost / total_w
            if b.min() >= q:
                return q / u, None
            wb = w * b
            poor = b < q
            count = np.count_nonzero(poor)
            for _ in range(8):
                rich_w = total_w - _dot(w, poor)
                if rich_w <= 0:
                    break
                q = (cost - _dot(wb, poor)) / rich_w
                poor = b < q
                new_count = np.count_nonzero(poor)
                if new_count == count:
                    return q / u, poor
                count = new_count
            return self._price_sorted(j, b)
        rho = cost / self.wu_total[j]
        poor = b < rho * u
        if not poor.any():
            return rho, None
        wu = w * u
        wb = w * b
        count = np.count_nonzero(poor)
        for _ in range(8):
            rich_wu = self.wu_total[j] - _dot(wu, poor)
            if rich_wu <= 0:
                break
            rho = (cost - _dot(wb, poor)) / rich_wu
            poor = b < rho * u
            new_count = np.count_nonzero(poor)
            if new_count == count:
                return rho, poor
            count = new_count
        return self._price_sorted(j, b)

    def _price_sorted(self, j: int, b: np.ndarray) -> tuple[float, np.ndarray]:
        """Exact path: supporters by budget / utility; the first one who can pay the price fixes ρ."""
        cost = self.costs[j]
        w = self.w[j]
        u = np.broadcast_to(self.u[j], b.shape)
        key = b / u
        order = np.argsort(key, kind="stable")
        wb = (w * b)[order]
        paid_before = np.concatenate(([0.0], np.cumsum(wb)[:-1]))
        wu_after = np.cumsum((w * u)[order][::-1])[::-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            rhos = (cost - paid_before) / wu_after
        ok = np.nonzero(rhos <= key[order] * (1 + TOL))[0]
        first = int(ok[0]) if len(ok) else len(order) - 1
        poor = np.zeros(len(b), dtype=bool)
        poor[order[:first]] = True
        return float(rhos[first]), poor

    def _stays_behind(self, winner: tuple, evaluated: list, lo_value: float) -> bool:
        """Certification: no other project can beat the winner anywhere between lo and this share. Another
        project's value only falls from here to lo, the winner's is at most `lo_value`: clearly above it, or
        so close that it would be a tie (relative tolerance) which the winner takes on the tie-break keys."""
        mine = self.keys[winner[1]]
        for e in evaluated:
            if e is winner or e[0] > lo_value * (1 + TOL):
                continue
            if e[0] < lo_value * (1 - TOL / 2) or self.keys[e[1]] < mine:
                return False
        return True

    # -- one run at a fixed share ---------------------------------------------------------------------------
    def run(self, share: float, *, stop_above: float = math.inf, explain: bool = True,
            certify: MesRun | None = None) -> MesRun | None:
        """MES with `share` per voter. With `stop_above`, the run stops as soon as the selected projects cost
        more than that (Add1 rejects such an outcome whatever comes next). Without `explain`, the payments
        of each selection (for explanations only) are not computed.

        With `certify` (a run at a smaller share lo), returns this run only if it proves that every share in
        [lo, share] selects the same projects in the same order, else None (see `add1`). Proof: for a fixed
        sequence of selections every budget is non-decreasing in the share, so each project's value is
        non-increasing and its supporters' money non-decreasing. If in every round the same project wins at
        both ends and every other project still affordable at `share` has a value above the winner's value
        at lo, then no share in between can pick another project; projects unaffordable at `share` are
        unaffordable in between; and if nothing is affordable after the last round at `share`, nothing is in
        between either."""
        p = self.profile
        budgets = np.full(len(self.group_weights), float(share))
        selections = [Selection(j, 0, 0.0, 0.0, int(p.supporters[j])) for j in self.free]
        spent = 0.0
        heap = [(v, j) for j, v in self.initial_value.items()]
        heapq.heapify(heap)
        rnd = 0
        costs, idx_of, w_of, u_of, scale, keys = self.costs, self.idx, self.w, self.u, self.scale, self.keys
        uniform_of, w_total = self.uniform, self.w_total
        lo_rounds = [x for x in certify.selections if x.round > 0] if certify is not None else None
        while heap:
            rnd += 1
            best = math.inf
            evaluated: list[tuple[float, int, float, np.ndarray | None, np.ndarray]] = []
            if lo_rounds is not None:
                # Certifying: every project whose lower bound is near the lo winner's value must be looked at.
                bar = lo_rounds[rnd - 1].value * (1 + TOL) if rnd <= len(lo_rounds) else math.inf
            # Lazy evaluation: values only grow, so a project whose previous value is above the best found
            # this round cannot win it.
            while heap and (heap[0][0] <= best * (1 + TOL) or (lo_rounds is not None and heap[0][0] <= bar)):
                _, j = heapq.heappop(heap)
                b = budgets.take(idx_of[j])
                low = np.minimum.reduce(b) if len(b) else 0.0
                if uniform_of[j] and low * w_total[j] >= costs[j]:
                    # Everyone can pay an equal part: affordable, and the price needs no other pass.
                    rho, poor = costs[j] / w_total[j] / u_of[j], None
                else:
                    if _dot(w_of[j], b) < costs[j] * (1 - TOL):
                        continue  # its supporters can no longer pay for it: out for good
                    rho, poor = self._price(j, b, low)
                value = rho / scale[j]
                evaluated.append((value, j, rho, poor, b))
                if value < best:
                    best = value
            if not evaluated:
                if lo_rounds is not None and rnd <= len(lo_rounds):
                    return None  # lo selected one more project
                break
            tied = [e for e in evaluated if e[0] <= best * (1 + TOL)]
            winner = min(tied, key=lambda e: keys[e[1]]) if len(tied) > 1 else tied[0]
            if lo_rounds is not None and (rnd > len(lo_rounds) or winner[1] != lo_rounds[rnd - 1].project
                                          or not self._stays_behind(winner, evaluated, lo_rounds[rnd - 1].value)):
                return None
            for e in evaluated:
                if e is not winner:
                    heapq.heappush(heap, (e[0], e[1]))
            value, j, rho, poor, b = winner
            u = u_of[j]
            uniform = np.ndim(u) == 0
            after = b - rho * u
            if poor is not None:
                # The poor give all they have: max(b - price, 0) is exactly 0 for them.
                np.maximum(after, 0.0, out=after)
            if not explain:
                max_payment, payers = 0.0, 0
            elif poor is None:
                max_payment = float(rho * (u if uniform else u.max()))
                payers = p.supporters[j]
            else:
                if uniform:
                    max_payment = float(rho * u)
                    payers = self.w_total[j] - _dot(w_of[j], poor)
                else:
                    rich = ~poor
                    max_payment = float((rho * u[rich]).max()) if rich.any() else 0.0
                    payers = _dot(w_of[j], rich)
            budgets[idx_of[j]] = after
            selections.append(Selection(j, rnd, rho, max_payment, int(round(float(payers))), value))
            spent += costs[j]
            if spent > stop_above:
                break
        return MesRun(share=share, selections=selections, budgets=budgets)


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Dot product kept on one thread: OpenBLAS splits a long dot across threads whose
    start-up and spinning cost more than they save here (runs 2-3x slower on a busy 2-core server), so long
    vectors are summed in chunks below that size."""
    n = len(a)
    if n <= _CHUNK:
        return float(a @ b)
    return float(sum(a[i:i + _CHUNK] @ b[i:i + _CHUNK] for i in range(0, n, _CHUNK)))


_CHUNK = 4096


def _weighted_sums(mask: np.ndarray, both: np.ndarray) -> tuple[float, float]:
    """(sum of weights, sum of weighted budgets) over `mask`, in chunks kept off OpenBLAS threads."""
    n = len(mask)
    if n <= _CHUNK:
        a, m = mask @ both
        return float(a), float(m)
    a = m = 0.0
    for i in range(0, n, _CHUNK):
        x, y = mask[i:i + _CHUNK] @ both[i:i + _CHUNK]
        a += x
        m += y
    return float(a), float(m)


def money_left(engine: MesEngine, run: MesRun) -> dict[int, float]:
    """What each project's supporters had left at the end of a run."""
    return {j: _dot(engine.w[j], run.budgets[engine.idx[j]]) for j in range(len(engine.idx))}


def exhaustive(profile: Profile, selected: Sequence[int]) -> bool:
    """No supported project left out would fit in what the selection leaves."""
    chosen = set(selected)
    left = int(profile.election.budget) - int(sum(int(profile.costs[j]) for j in chosen))
    return not any(j not in chosen and profile.supporters[j] > 0 and profile.costs[j] <= left
                   for j in range(len(profile.costs)))


def cost_of(profile: Profile, selected: Sequence[int]) -> int:
    return int(sum(int(profile.costs[j]) for j in selected))


@dataclass
class Add1Result:
    run: MesRun  # the run at the final share, with its explanation numbers
    base: MesRun  # the run at budget / voters
    increments: int  # how many currency units were added to each share
    runs: int  # how many MES runs were computed


def add1(engine: MesEngine, *, compiled: bool = True) -> Add1Result:
    """Raise the per-voter share by 1 from budget / voters; stop when the outcome is exhaustive, or keep the
    last outcome before one that costs more than the budget.

    Same result as trying every increment, faster: the loop tries to jump `step` increments at once with a
    certified run (`MesEngine.run(certify=...)`): if every share up to the target selects the same projects as
    now, none of them is exhaustive or over budget, so the loop continues from the target. Steps double after
    a success and halve after a failure (closing in on the share where the outcome changes); when even two
    units cannot be certified the loop goes one unit at a time for a while, the wait doubling after each such
    failure, so elections whose outcome changes at almost every unit pay little for the attempts.
    """
    p = engine.profile
    budget = int(p.election.budget)
    b0 = budget / p.total_voters
    base = engine.run(b0)
    if compiled and mes_fast.available():
        try:
            fast = _add1_compiled(engine, base, budget, b0)
        except Exception:  # noqa: BLE001 - e.g. numba unable to compile or cache here: the reference loop counts
            fast = None
        if fast is not None:
            return fast
    current, k, runs = base, 0, 1
    step, wait, backoff = 2, 0, 1
    while not exhaustive(p, current.selected):
        if wait <= 0:
            target = engine.run(b0 + k + step, explain=False, certify=current)
            runs += 1
            if target is not None:
                current, k, step, backoff = target, k + step, step * 2, 1
                continue
            if step > 2:
                step //= 2
                continue
            backoff = min(backoff * 2, 32)
            wait = backoff
        nxt = engine.run(b0 + k + 1, stop_above=budget, explain=False)
        runs += 1
        if cost_of(p, nxt.selected) > budget:
            break
        current, k = nxt, k + 1
        wait -= 1
    if k:
        current = engine.run(b0 + k)  # the final run again, with the payments the explanations quote
        runs += 1
    return Add1Result(run=current, base=base, increments=k, runs=runs)


def _add1_compiled(engine: MesEngine, base: MesRun, budget: int, b0: float) -> Add1Result | None:
    """Add1 one unit at a time with the compiled run (`mes_fast`); the final share is run again by the reference
    engine for the explanations. None (use the reference loop) if the two ever disagree on the outcome."""
    p = engine.profile
    fast = mes_fast.FastMes(engine)
    selected, k, runs = list(base.selected), 0, 1
    while not exhaustive(p, selected):
        following = fast.selected(b0 + k + 1, stop_above=budget, tol=TOL)
        runs += 1
        if cost_of(p, following) > budget:
            break
        selected, k = following, k + 1
    current = engine.run(b0 + k) if k else base
    if current.selected != selected:
        return None
    return Add1Result(run=current, base=base, increments=k, runs=runs + (1 if k else 0))
