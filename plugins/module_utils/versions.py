# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which boto3 a task needs: each module's table of options that a newer boto3 than the collection's minimum sends.

The one version check of the collection: every module calls require_boto3_for().

A gate is (option, value or None for any value, the first boto3 release that can send it). A task that sets an
option its boto3 cannot send fails naming the highest version it needs, never sends it half understood.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple

Gate = Tuple[str, Optional[str], str]


def version_key(version: str) -> Tuple[int, ...]:
    """A release number as a tuple that sorts numerically (1.34.116 after 1.34.90)."""
    return tuple(int(part) for part in version.split("."))


def highest_first(needed: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """(version, reason) pairs without repeats, the highest version first, reasons for one version in name order."""
    # sorted() is stable, so after sorting by reason, reasons needing the same version stay in name order.
    return sorted(sorted(set(needed)), key=lambda item: version_key(item[0]), reverse=True)


def required_boto3_versions(params: Dict[str, Any], gates: List[Gate]) -> List[Tuple[str, str]]:
    """(version, reason) for each option params sets that one of gates names, the highest version first."""
    needed = []
    for option, value, version in gates:
        current = params.get(option)
        if not current or (value is not None and current != value):
            continue
        setting = f"{option}={value}" if value is not None else option
        needed.append((version, f"to use {setting}"))
    return highest_first(needed)


def require_boto3_for(
    module: Any, *requests: Dict[str, Any], gates: List[Gate], needs: Iterable[Tuple[str, str]] = ()
) -> None:
    """Fail the task, naming the highest boto3 version needed, when its boto3 cannot send the options requests set.

    needs are (version, reason) pairs the task needs whatever it sets, such as the first release with the API.
    """
    needed = [*needs, *(need for params in requests for need in required_boto3_versions(params, gates))]
    for version, reason in highest_first(needed):
        module.require_boto3_at_least(version, reason=reason)
