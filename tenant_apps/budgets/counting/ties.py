"""The published tie-break: lowest cost first, then most supporters, then the order drawn before counting.

Projects missing from the drawn order come after those in it, in natural order of their ids ("9" before "10"),
so the engine is total even when a city forgot to draw; a city should always draw and publish the order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Two floating-point values of the Method of Equal Shares closer than this (relative) are a tie: exact
# rational arithmetic would find them equal; floats may differ in the last bits depending on summation order.
RELATIVE_TOLERANCE = 1e-9


def natural_key(text: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def tie_keys(ids: Sequence[str], costs: Sequence[int], supporters: Sequence[int],
             drawn_order: Sequence[str]) -> list[tuple]:
    """Per project (same positions as `ids`): a key such that sorting ascending applies the published tie-break."""
    drawn = {pid: i for i, pid in enumerate(drawn_order)}
    missing = len(drawn)
    return [(int(costs[i]), -int(supporters[i]), drawn.get(pid, missing), natural_key(pid))
            for i, pid in enumerate(ids)]


def close(a: float, b: float) -> bool:
    return abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))
