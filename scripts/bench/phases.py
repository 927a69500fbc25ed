# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run amazon.ai.bedrock_invoke_model(s) once, in this process, and report how long each phase of the run took.

Used by the benchmark (Bench.phases in scripts/bench/common.py) to show where one call's time goes (the brief's
"profile one module run"), and how many requests one task of bedrock_invoke_models keeps in flight:

    python phases.py ARGS_JSON REPORT_JSON

ARGS_JSON is what ``python -m ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model ARGS_JSON``
takes ({"ANSIBLE_MODULE_ARGS": {...}}); arguments with ``bodies`` or ``requests`` run bedrock_invoke_models
instead. The module's own output goes to stdout as usual, the phases go to REPORT_JSON as
{"phases": {name: seconds}, "in_process": seconds, "in_flight": {...}}. The phases are timed by wrapping the
functions that bound them; a phase whose function no longer exists is reported as null, not guessed. in_flight
(bedrock_invoke_models only) counts the InvokeModel calls under way in botocore at once: the most, and the
average over the time spent sending.
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Optional
from typing import Tuple

MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model"
MANY_MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_models"
BEDROCK = "ansible_collections.amazon.ai.plugins.module_utils.invoke_model"
BEDROCK_MANY = "ansible_collections.amazon.ai.plugins.module_utils.invoke_models"
AI_MODULES = "ansible_collections.amazon.ai.plugins.module_utils.modules"

SET_UP = "module set-up (argument spec, AnsibleAWSModule)"
CLIENT = "client creation"
SCRUB = "no_log scrub of the result (ansible-core remove_values)"
WRITE = "serializing and writing the result"
SEND_MANY = "sending every request, reading and decoding the answers"
# Phase names, in the order a run goes through them.
PHASES = ("imports", SET_UP, CLIENT, "InvokeModel call and reading the body", "decoding the reply", SCRUB, WRITE)
MANY_PHASES = ("imports", SET_UP, CLIENT, SEND_MANY, SCRUB, WRITE)


class InFlight:
    """Counts the calls under way at once: the most, and the time-weighted average while any was."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.calls = 0
        self._since = 0.0
        self._area = 0.0  # in-flight calls times seconds
        self._busy = 0.0  # seconds with at least one call under way

    def _change(self, by: int) -> None:
        with self._lock:
            now = time.perf_counter()
            if self.now:
                self._area += self.now * (now - self._since)
                self._busy += now - self._since
            self._since = now
            self.now += by
            self.peak = max(self.peak, self.now)
            self.calls += by > 0

    def wrap(self, owner: Any, name: str) -> None:
        original = getattr(owner, name)
        counter = self

        def counted(*args: Any, **kwargs: Any) -> Any:
            counter._change(1)
            try:
                return original(*args, **kwargs)
            finally:
                counter._change(-1)

        setattr(owner, name, counted)

    def report(self) -> Dict[str, float]:
        return {
            "peak": self.peak,
            "mean": self._area / self._busy if self._busy else 0.0,
            "busy": self._busy,
            "calls": self.calls,
            # From a call's start to its answer, on average: the in-flight area shared among the calls.
            "call_seconds": self._area / self.calls if self.calls else 0.0,
        }


class Clock:
    def __init__(self, phases: Tuple[str, ...] = PHASES) -> None:
        self.seconds: Dict[str, Optional[float]] = {name: None for name in phases}
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
    with open(args_path, encoding="utf-8") as handle:
        many = {"bodies", "requests"} & set(json.load(handle)["ANSIBLE_MODULE_ARGS"])
    clock = Clock(MANY_PHASES if many else PHASES)
    in_flight = InFlight()
    started = time.perf_counter()

    module = importlib.import_module(MANY_MODULE if many else MODULE)
    clock.add("imports", time.perf_counter() - started)

    basic = importlib.import_module("ansible.module_utils.basic")
    ai_modules = importlib.import_module(AI_MODULES)
    clock.wrap(ai_modules.AnsibleAmazonAIModule, "__init__", SET_UP)
    if many:
        bedrock_many = importlib.import_module(BEDROCK_MANY)
        clock.wrap(bedrock_many, "retrying_bedrock_client", CLIENT)
        clock.wrap(bedrock_many, "run_concurrently", SEND_MANY)
        in_flight.wrap(importlib.import_module("botocore.client").BaseClient, "_make_api_call")
    else:
        bedrock = importlib.import_module(BEDROCK)
        clock.wrap(bedrock, "retrying_bedrock_client", CLIENT)
        clock.wrap(bedrock, "call_invoke_model", "InvokeModel call and reading the body")
        clock.wrap(bedrock, "decode_response", "decoding the reply")
    # remove_values also runs while the module logs its arguments; only the pass over the result counts here.
    clock.wrap(basic, "remove_values", SCRUB, only_in_exit=True)
    clock.wrap(basic.AnsibleModule, "_record_module_result", WRITE)
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
        json.dump(
            {
                "phases": clock.seconds,
                "in_process": time.perf_counter() - started,
                "exit_code": code,
                "in_flight": in_flight.report() if many else None,
            },
            handle,
        )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
