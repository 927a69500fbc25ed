# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors a test asks for: the next N calls of one operation, by name, answer an error instead of the operation.

The one way to fault any operation of the fake (batch jobs, guardrails, inference profiles, the runtime, ...).
Control routes (never signed, JSON):
``POST /_test/faults`` with ``{"operation": "ListInferenceProfiles", "error": "ThrottlingException", "times": 2}``
(``times`` 1 by default; ``message`` to choose the error's message) queues them; ``GET /_test/faults`` shows what is
left; ``DELETE /_test/faults`` forgets them, as the server's ``DELETE /_test/requests`` does (and an API's own reset,
``DELETE /_test/batch`` or ``DELETE /_test/guardrails``, forgets those of its operations). ``operation`` is the
name of any operation the fake serves (the request record's ``operation``: InvokeModel, Converse,
CreateModelInvocationJob, CreateGuardrail, ApplyGuardrail, CreateInferenceProfile, ListFoundationModels,
PutModelInvocationLoggingConfiguration, TagResource, ...), ``error`` any code of control_plane.ERRORS or
faults.RUNTIME_ERRORS, answered with its status (ThrottlingException 429, ServiceUnavailableException 503, ...). A
faulted call is recorded like any other, and does nothing else (a faulted create creates nothing), so a client that
retries is seen retrying. Faults come before the operation's own checks but after the SigV4 check of
``--verify-sigv4``.

``"error": "drop"`` is the other way round: the call runs (a create creates), then the client sees the connection
close instead of the answer, as when a network fails after the service acted; a client that retries with the same
``clientRequestToken`` must find what the first call made. Not for the logging operations, which moto answers.
"""

from __future__ import annotations

import re
import threading
from typing import Any
from typing import Iterable

from . import logging_proxy
from .control_plane import ERRORS
from .control_plane import control_answer
from .core import Reply
from .core import Request
from .core import Route
from .core import error_reply
from .faults import RUNTIME_ERRORS

FAULT_ERRORS: dict[str, tuple[int, str]] = {**RUNTIME_ERRORS, **ERRORS}
DROP = "drop"
# The answer of a dropped call: no reply at all, and the connection closed.
DROPPED = Reply(200, b"", wire=b"")


class OperationFaults:
    """The errors still to answer, per operation, of one fake server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, list[tuple[str, str]]] = {}

    def add(self, operation: str, code: str, times: int, message: str | None = None) -> None:
        message = message or (FAULT_ERRORS[code][1] if code != DROP else "")
        with self._lock:
            self._queues.setdefault(operation, []).extend([(code, message)] * times)

    def take(self, operation: str) -> Reply | None:
        """The error the next call of ``operation`` answers (DROPPED: the call runs, its answer is lost), or None
        when no fault is left for it."""
        with self._lock:
            queue = self._queues.get(operation)
            if not queue:
                return None
            code, message = queue.pop(0)
        return DROPPED if code == DROP else error_reply(FAULT_ERRORS[code][0], code, message)

    def snapshot(self) -> dict[str, list[str]]:
        with self._lock:
            return {operation: [code for code, dummy in queue] for operation, queue in self._queues.items() if queue}

    def forget(self, operations: Iterable[str]) -> None:
        """Forget the faults of these operations (an API's own reset)."""
        with self._lock:
            for operation in operations:
                self._queues.pop(operation, None)

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()


def operation_faults(server: Any) -> OperationFaults:
    """The server's queued faults (made on first use)."""
    return server.state("operation_faults", OperationFaults)


def _order(request: Request, order: dict[str, Any]) -> tuple[int, Any]:
    faults = operation_faults(request.server)
    if request.method == "DELETE":
        faults.reset()
    elif request.method == "POST":
        operation, code, times = order.get("operation"), order.get("error"), order.get("times", 1)
        message = order.get("message")
        if operation not in request.server.operation_names():
            raise ValueError(f"unknown operation {operation!r}")
        if code not in FAULT_ERRORS and code != DROP:
            raise ValueError(f"unknown error {code!r}: {DROP!r} or one of {', '.join(sorted(FAULT_ERRORS))}")
        if code == DROP and operation in logging_proxy.OPERATIONS.values():
            raise ValueError(f"{operation} is answered by moto: it can be faulted, not dropped")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError("times must be a positive integer")
        if message is not None and not isinstance(message, str):
            raise ValueError("message must be a string")
        faults.add(operation, code, times, message)
    return 200, faults.snapshot()


def _control(request: Request) -> Reply:
    return control_answer(request.body, lambda order: _order(request, order))


ROUTES = [Route(method, re.compile(r"^/_test/faults$"), _control) for method in ("GET", "POST", "DELETE")]
