# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark's statistics and how it writes numbers, for every family: one of each, so all read alike.

A sample list holds one value per round (or one, for what runs once), in the order of the rounds; the helpers that
take two lists pair them round by round, as the two were measured back to back in it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def paired_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """numerator / denominator of each round."""
    return [top / bottom for top, bottom in zip(numerators, denominators)]


def per_unit(totals: Sequence[float], baselines: Sequence[float], units: int = 1) -> list[float]:
    """Each round's (total - its baseline) / units: what one unit (request, record, call) added to the baseline."""
    return [(total - base) / units for total, base in zip(totals, baselines)]


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.995 else f"{value * 1000:.0f} ms"


def megabytes(value: float) -> str:
    """One decimal under 10 MB (0.3 MB of output means something), none above (peak RSS: 53 MB)."""
    return f"{value:.1f} MB" if round(value, 1) < 10 else f"{value:.0f} MB"


def microseconds(value: float) -> str:
    return f"{value * 1e6:.1f} µs" if abs(value) < 1e-5 else f"{value * 1e6:.0f} µs"


def spread(values: Sequence[float], unit: Callable[[float], str] = seconds) -> str:
    return f"{unit(min(values))} – {unit(max(values))}" if len(values) > 1 else "–"


def against_goal(value: float, goal: float, decimals: int) -> str:
    """value with `decimals` decimals, or with as many more as it takes not to read as the goal it misses or meets.

    2.997 against a goal of 3 is "2.997", not "3.0", which would read as met.
    """
    while decimals < 6 and value != goal and f"{value:.{decimals}f}" == f"{goal:.{decimals}f}":
        decimals += 1
    return f"{value:.{decimals}f}"


def listed(values: Sequence[float], template: str) -> str:
    return ", ".join(template.format(value) for value in values)


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"
