# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors a test asks for: the next N calls of one operation, by name, answer an error instead of the operation.

Control routes (never signed, JSON):
``POST /_test/faults`` with ``{"operation": "ListInferenceProfiles", "error": "ThrottlingException", "times": 2}``
(``times`` 1 by default; ``message`` to choose the error's message) queues them; ``GET /_test/faults`` shows what is
left; ``DELETE /_test/faults`` forgets them, as the server's ``DELETE /_test/requests`` does. ``operation`` is the
name of any operation the fake serves (the request record's ``operation``: InvokeModel, Converse,
CreateInferenceProfile, ListFoundationModels, PutModelInvocationLoggingConfiguration, TagResource, ...), ``error``
any code of control_plane.ERRORS or faults.RUNTIME_ERRORS, answered with its status (ThrottlingException 429,
ServiceUnavailableException 503, ...). A faulted call is recorded like any other, and does nothing else (a faulted
create creates nothing), so a client that retries is seen retrying. Faults come before the operation's own checks
but after the SigV4 check of ``--verify-sigv4``.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from .control_plane import ERRORS
from .core import Reply
from .core import Request
from .core import Route
from .core import error_reply
from .core import json_bytes
from .faults import RUNTIME_ERRORS

FAULT_ERRORS: dict[str, tuple[int, str]] = {**RUNTIME_ERRORS, **ERRORS}


class OperationFaults:
    """The errors still to answer, per operation, of one fake server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, list[tuple[str, str]]] = {}

    def add(self, operation: str, code: str, times: int, message: str | None = None) -> None:
        with self._lock:
            self._queues.setdefault(operation, []).extend([(code, message or FAULT_ERRORS[code][1])] * times)

    def take(self, operation: str) -> Reply | None:
        """The error the next call of ``operation`` answers, or None when no fault is left for it."""
        with self._lock:
            queue = self._queues.get(operation)
            if not queue:
                return None
            code, message = queue.pop(0)
        return error_reply(FAULT_ERRORS[code][0], code, message)

    def snapshot(self) -> dict[str, list[str]]:
        with self._lock:
            return {operation: [code for code, dummy in queue] for operation, queue in self._queues.items() if queue}

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()


def operation_faults(server: Any) -> OperationFaults:
    """The server's queued faults (made on first use)."""
    return server.state("operation_faults", OperationFaults)


def _control(request: Request) -> Reply:
    faults = operation_faults(request.server)
    if request.method == "DELETE":
        faults.reset()
    elif request.method == "POST":
        try:
            order = json.loads(request.body or b"null")
            if not isinstance(order, dict):
                raise ValueError("the body must be a JSON object")
            operation, code, times = order.get("operation"), order.get("error"), order.get("times", 1)
            message = order.get("message")
            if operation not in request.server.operation_names():
                raise ValueError(f"unknown operation {operation!r}")
            if code not in FAULT_ERRORS:
                raise ValueError(f"unknown error {code!r}: one of {', '.join(sorted(FAULT_ERRORS))}")
            if isinstance(times, bool) or not isinstance(times, int) or times < 1:
                raise ValueError("times must be a positive integer")
            if message is not None and not isinstance(message, str):
                raise ValueError("message must be a string")
        except ValueError as exc:
            return Reply(400, json_bytes({"message": str(exc)}))
        faults.add(operation, code, times, message)
    return Reply(200, json_bytes(faults.snapshot()))


ROUTES = [Route(method, re.compile(r"^/_test/faults$"), _control) for method in ("GET", "POST", "DELETE")]
