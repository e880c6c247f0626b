"""The inner loop of the Method of Equal Shares, compiled (numba), for the runs Add1 repeats by the hundred.

`MesEngine.run` is the reference: readable numpy, with explanations and certification. Add1 needs one run per
currency unit added to each voter's share (about 190 runs on a 100,000-voter city-wide vote), and each run in
Python pays a fixed cost per round and per evaluated project. This module runs the same algorithm over flat
arrays (supporters as compressed rows of voter groups): same lazy evaluation (a project's value only grows during
a run), same exact price (supporters sorted by money per unit of utility, the first who can pay fixes ρ), same
tolerance and tie-break ranks, so it selects the same projects in the same order. Tests run both on every real
file and on generated elections. Without numba (an optional speed-up), `available()` is False and Add1 uses the
reference loop.
"""

import importlib.util

import numpy as np


def available() -> bool:
    return importlib.util.find_spec("numba") is not None


def _run(share, stop_above, tol, costs, wu_totals, scale, rank, initial, alive0, ptr, grp, w, u, inv_u, n_groups):
    n_projects = len(costs)
    budgets = np.full(n_groups, share)
    lower = initial.copy()
    alive = alive0.copy()
    stamp = np.zeros(n_projects, dtype=np.int64)
    value_now = np.zeros(n_projects)
    rho_now = np.zeros(n_projects)
    evaluated = np.empty(n_projects, dtype=np.int64)
    selected = np.empty(n_projects, dtype=np.int64)
    n_selected = 0
    spent = 0.0
    rnd = 0
    keys = np.empty(0)
    while True:
        rnd += 1
        best = np.inf
        n_eval = 0
        while True:
            # The project with the smallest value known so far, not looked at in this round (ties: lowest index,
            # as the reference's heap of (value, index) pops them).
            j = -1
            smallest = np.inf
            for k in range(n_projects):
                if alive[k] and stamp[k] != rnd and lower[k] < smallest:
                    smallest = lower[k]
                    j = k
            if j < 0 or smallest > best * (1 + tol):
                break
            stamp[j] = rnd
            start, end = ptr[j], ptr[j + 1]
            cost = costs[j]
            paid = 0.0
            low = np.inf
            for k in range(start, end):
                b = budgets[grp[k]]
                paid += w[k] * b
                per_unit = b * inv_u[k]
                if per_unit < low:
                    low = per_unit
            if paid < cost * (1 - tol):
                alive[j] = False  # its supporters can no longer pay for it: out for good
                continue
            wu_total = wu_totals[j]
            rho = cost / wu_total
            if low < rho:
                # Some supporters cannot pay ρ × utility: they give all they have, the others share the rest.
                # Move the supporters who cannot pay to "pay all" until nobody else needs to (ρ only grows, a
                # few passes in practice), as the reference does; the exact sorted path below if it does not
                # settle.
                settled = False
                count = -1
                for _ in range(8):
                    poor_wu = 0.0
                    poor_paid = 0.0
                    new_count = 0
                    for k in range(start, end):
                        b = budgets[grp[k]]
                        if b < rho * u[k]:
                            poor_wu += w[k] * u[k]
                            poor_paid += w[k] * b
                            new_count += 1
                    if new_count == count:
                        settled = True
                        break
                    rich_wu = wu_total - poor_wu
                    if rich_wu <= 0:
                        break
                    rho = (cost - poor_paid) / rich_wu
                    count = new_count
                if not settled:
                    size = end - start
                    if keys.shape[0] < size:
                        keys = np.empty(size)
                    for k in range(size):
                        kk = start + k
                        keys[k] = budgets[grp[kk]] * inv_u[kk]
                    order = np.argsort(keys[:size], kind="mergesort")
                    before = 0.0
                    after_wu = wu_total
                    for k in range(size):
                        kk = start + order[k]
                        candidate = (cost - before) / after_wu
                        if candidate <= keys[order[k]] * (1 + tol) or k == size - 1:
                            rho = candidate
                            break
                        before += w[kk] * budgets[grp[kk]]
                        after_wu -= w[kk] * u[kk]
            value = rho / scale[j]
            lower[j] = value
            value_now[j] = value
            rho_now[j] = rho
            evaluated[n_eval] = j
            n_eval += 1
            if value < best:
                best = value
        if n_eval == 0:
            break
        winner = -1
        for e in range(n_eval):
            j = evaluated[e]
            if value_now[j] <= best * (1 + tol) and (winner < 0 or rank[j] < rank[winner]):
                winner = j
        rho = rho_now[winner]
        for k in range(ptr[winner], ptr[winner + 1]):
            g = grp[k]
            left = budgets[g] - rho * u[k]
            budgets[g] = left if left > 0.0 else 0.0
        alive[winner] = False
        selected[n_selected] = winner
        n_selected += 1
        spent += costs[winner]
        if spent > stop_above:
            break
    return selected[:n_selected], spent


_compiled = None


def _kernel():
    """The compiled `_run`. numba is imported on the first count that needs it, not when Parvis starts (importing
    it costs a quarter of a second in every web, worker and command process)."""
    global _compiled
    if _compiled is None:
        from numba import njit

        _compiled = njit(cache=True, nogil=True)(_run)
    return _compiled


class FastMes:
    """Flat arrays of a `MesEngine`, and its runs without explanations."""

    def __init__(self, engine):
        n = len(engine.costs)
        lengths = np.array([len(engine.idx[j]) for j in range(n)], dtype=np.int64)
        self.ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.grp = np.concatenate([engine.idx[j] for j in range(n)] or [np.empty(0)]).astype(np.int64)
        self.w = np.concatenate([engine.w[j] for j in range(n)] or [np.empty(0)]).astype(np.float64)
        self.u = np.concatenate([np.broadcast_to(np.asarray(engine.u[j], dtype=np.float64), (lengths[j],))
                                 for j in range(n)] or [np.empty(0)]).astype(np.float64)
        self.costs = engine.costs.astype(np.float64)
        self.wu_total = engine.wu_total.astype(np.float64)
        # Supporters have a positive utility (approval: 1; points: at least 1): 1 / u is finite.
        self.inv_u = 1.0 / np.maximum(self.u, 1e-300)
        self.scale = engine.scale.astype(np.float64)
        order = sorted(range(n), key=lambda j: engine.keys[j])
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[order] = np.arange(n)
        self.initial = np.full(n, np.inf)
        self.alive = np.zeros(n, dtype=np.bool_)
        for j, value in engine.initial_value.items():
            self.initial[j] = value
            self.alive[j] = True
        self.n_groups = len(engine.group_weights)
        self.free = list(engine.free)

    def selected(self, share: float, *, stop_above: float, tol: float) -> list[int]:
        chosen, _spent = _kernel()(float(share), float(stop_above), float(tol), self.costs, self.wu_total,
                                   self.scale, self.rank, self.initial, self.alive, self.ptr, self.grp, self.w,
                                   self.u, self.inv_u, self.n_groups)
        return self.free + [int(j) for j in chosen]
