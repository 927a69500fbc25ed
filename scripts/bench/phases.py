# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run amazon.ai.bedrock_invoke_model(s) once, in this process, timing each phase of the run (Bench.phases).

    python phases.py REPORT_JSON ARGS_JSON

ARGS_JSON is a module's arguments file, run by bedrock_invoke_models if it has bodies or requests. The module's
output goes to stdout; REPORT_JSON gets {"phases": {name: seconds or null if its function is gone}, "in_process":
seconds, "in_flight": the InvokeModel calls under way in botocore at once, most and average (many prompts only)}.
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

MODULES = "ansible_collections.amazon.ai.plugins.modules."
MODULE_UTILS = "ansible_collections.amazon.ai.plugins.module_utils."
SET_UP = "module set-up (argument spec, AnsibleAWSModule)"
CLIENT = "client creation"
CALL = "InvokeModel call and reading the body"
DECODE = "decoding the reply"
SEND_MANY = "sending every request, reading and decoding the answers"
SCRUB = "no_log scrub of the result (ansible-core remove_values)"
WRITE = "serializing and writing the result"

# The collection's functions that bound the phases of each module's run: (module_utils file, function, phase), in
# the order a run goes through them ("imports" comes first, SCRUB and WRITE, ansible-core's, last). These are the
# names of plugins/module_utils: when a file or a function there is renamed, rename it here (test_phases.py checks
# that each is there).
TIMED = {
    "bedrock_invoke_model": [
        ("modules", "AnsibleAmazonAIModule.__init__", SET_UP),
        ("invoke_model", "retrying_bedrock_client", CLIENT),
        ("invoke_model", "call_invoke_model", CALL),
        ("invoke_model", "decode_response", DECODE),
    ],
    "bedrock_invoke_models": [
        ("modules", "AnsibleAmazonAIModule.__init__", SET_UP),
        ("invoke_models", "retrying_bedrock_client", CLIENT),
        ("invoke_models", "run_concurrently", SEND_MANY),
    ],
}


def wrap(owner: Any, name: str, before: Callable[[], Any], after: Callable[[Any], None]) -> None:
    """Call before() ahead of owner.name and after(what before returned) once it returns (nothing if it is missing).

    name may be Class.method, a method of a class of owner.
    """
    while "." in name:
        attribute, name = name.split(".", 1)
        owner = getattr(owner, attribute, None)
    original = getattr(owner, name, None)
    if original is None:
        return

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = before()
        try:
            return original(*args, **kwargs)
        finally:
            after(token)

    setattr(owner, name, wrapped)


class InFlight:
    """Counts the calls under way at once: the most, and the time-weighted average while any was."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.peak = self.calls = 0
        self._since = self._area = self._busy = 0.0  # _area: calls under way times seconds; _busy: seconds with any

    def change(self, by: int) -> None:
        with self._lock:
            now = time.perf_counter()
            if self.now:
                self._area += self.now * (now - self._since)
                self._busy += now - self._since
            self._since, self.now = now, self.now + by
            self.peak = max(self.peak, self.now)
            self.calls += by > 0

    def report(self) -> dict[str, float]:
        # call_seconds: from a call's start to its answer, on average (the in-flight area shared among the calls).
        report = {"peak": self.peak, "mean": self._area / self._busy if self._busy else 0.0, "busy": self._busy}
        return dict(report, calls=self.calls, call_seconds=self._area / self.calls if self.calls else 0.0)


def main(argv: list[str]) -> int:
    report_path, args_path = argv[1], argv[2]
    with open(args_path, encoding="utf-8") as handle:
        many = {"bodies", "requests"} & set(json.load(handle)["ANSIBLE_MODULE_ARGS"])
    name = "bedrock_invoke_models" if many else "bedrock_invoke_model"
    seconds: dict[str, float | None] = {
        phase: None for phase in ["imports", *(t[2] for t in TIMED[name]), SCRUB, WRITE]
    }
    in_exit = threading.Event()  # set once the module returns its result: when the no_log scrub counts

    def clock(phase: str, only_in_exit: bool = False) -> tuple[Callable[[], Any], Callable[[Any], None]]:
        def after(start: float) -> None:
            if not only_in_exit or in_exit.is_set():
                seconds[phase] = (seconds[phase] or 0.0) + time.perf_counter() - start

        return time.perf_counter, after

    in_flight = InFlight()
    started = time.perf_counter()
    module = importlib.import_module(MODULES + name)
    seconds["imports"] = time.perf_counter() - started
    basic = importlib.import_module("ansible.module_utils.basic")
    for utils, function, phase in TIMED[name]:
        wrap(importlib.import_module(MODULE_UTILS + utils), function, *clock(phase))
    if many:
        botocore_client = importlib.import_module("botocore.client").BaseClient
        wrap(botocore_client, "_make_api_call", lambda: in_flight.change(1), lambda dummy: in_flight.change(-1))
    # remove_values also runs while the module logs its arguments; only the pass over the result counts here.
    wrap(basic, "remove_values", *clock(SCRUB, only_in_exit=True))
    wrap(basic.AnsibleModule, "_record_module_result", *clock(WRITE))
    wrap(basic.AnsibleModule, "_return_formatted", in_exit.set, lambda dummy: None)

    sys.argv = [module.__file__, args_path]
    code = 0
    try:
        module.main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    sys.stdout.flush()
    report = {"phases": seconds, "in_process": time.perf_counter() - started, "exit_code": code}
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump(dict(report, in_flight=in_flight.report() if many else None), handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
