# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A callback for the benchmark only (enabled in the ansible.cfg it writes): each task's wall time, from its start to
the next task's, without ansible-playbook's start-up. The file named by BENCH_TIMINGS_FILE gets
{"tasks": [{"name", "seconds", "hosts": {host: seconds from the task's start to its result}}], "failed": N}.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._tasks: list[dict] = []
        self._current: tuple[str, float] | None = None
        self._hosts: dict[str, float] = {}
        self._failed = 0

    def _close(self) -> None:
        if self._current is not None:
            name, started = self._current
            self._tasks.append({"name": name, "seconds": time.perf_counter() - started, "hosts": self._hosts})
            self._current = None
            self._hosts = {}

    def v2_playbook_on_task_start(self, task, is_conditional) -> None:
        self._close()
        self._current = (task.get_name(), time.perf_counter())

    def v2_runner_on_ok(self, result) -> None:
        if self._current is not None:
            self._hosts[result.host.get_name()] = time.perf_counter() - self._current[1]

    def v2_runner_on_failed(self, result, ignore_errors=False) -> None:
        if not ignore_errors:
            self._failed += 1

    def v2_runner_on_unreachable(self, result) -> None:
        self._failed += 1

    def v2_playbook_on_stats(self, stats) -> None:
        self._close()
        path = os.environ.get("BENCH_TIMINGS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"tasks": self._tasks, "failed": self._failed}, handle)
