# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run amazon.ai.bedrock_invoke_model once, in this process, and report how long each phase of the run took.

Used by scripts/bench/run.py to show where one call's time goes (the brief's "profile one module run"):

    python phases.py ARGS_JSON REPORT_JSON

ARGS_JSON is what ``python -m ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model ARGS_JSON``
takes ({"ANSIBLE_MODULE_ARGS": {...}}); the module's own output goes to stdout as usual, the phases go to
REPORT_JSON as {"phases": {name: seconds}, "in_process": seconds}. The phases are timed by wrapping the
functions that bound them; a phase whose function no longer exists is reported as null, not guessed.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Optional

MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model"
BEDROCK = "ansible_collections.amazon.ai.plugins.module_utils.bedrock"
AI_MODULES = "ansible_collections.amazon.ai.plugins.module_utils.modules"

# Phase names, in the order a run goes through them.
PHASES = (
    "imports",
    "module set-up (argument spec, AnsibleAWSModule)",
    "client creation",
    "InvokeModel call and reading the body",
    "decoding the reply",
    "no_log scrub of the result (ansible-core remove_values)",
    "serializing and writing the result",
)


class Clock:
    def __init__(self) -> None:
        self.seconds: Dict[str, Optional[float]] = {name: None for name in PHASES}
        self.in_exit = False

    def add(self, phase: str, seconds: float) -> None:
        self.seconds[phase] = (self.seconds[phase] or 0.0) + seconds

    def wrap(self, owner: Any, name: str, phase: str, only_in_exit: bool = False) -> None:
        """Replace owner.name by a wrapper that adds its duration to phase (nothing if owner has no such name)."""
        original: Optional[Callable[..., Any]] = getattr(owner, name, None)
        if original is None:
            return
        clock = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            if only_in_exit and not clock.in_exit:
                return original(*args, **kwargs)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                clock.add(phase, time.perf_counter() - start)

        setattr(owner, name, timed)


def main(argv: list) -> int:
    args_path, report_path = argv[1], argv[2]
    clock = Clock()
    started = time.perf_counter()

    module = importlib.import_module(MODULE)
    clock.add("imports", time.perf_counter() - started)

    basic = importlib.import_module("ansible.module_utils.basic")
    bedrock = importlib.import_module(BEDROCK)
    ai_modules = importlib.import_module(AI_MODULES)
    clock.wrap(ai_modules.AnsibleAmazonAIModule, "__init__", "module set-up (argument spec, AnsibleAWSModule)")
    clock.wrap(bedrock, "retrying_bedrock_client", "client creation")
    clock.wrap(bedrock, "call_invoke_model", "InvokeModel call and reading the body")
    clock.wrap(bedrock, "decode_response", "decoding the reply")
    # remove_values also runs while the module logs its arguments; only the pass over the result counts here.
    clock.wrap(basic, "remove_values", "no_log scrub of the result (ansible-core remove_values)", only_in_exit=True)
    clock.wrap(basic.AnsibleModule, "_record_module_result", "serializing and writing the result")
    return_formatted = getattr(basic.AnsibleModule, "_return_formatted", None)
    if return_formatted is not None:

        def in_exit(self: Any, kwargs: Dict[str, Any]) -> Any:
            clock.in_exit = True
            return return_formatted(self, kwargs)

        basic.AnsibleModule._return_formatted = in_exit

    sys.argv = [module.__file__, args_path]
    code = 0
    try:
        module.main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    sys.stdout.flush()
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump({"phases": clock.seconds, "in_process": time.perf_counter() - started, "exit_code": code}, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
