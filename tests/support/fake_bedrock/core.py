# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every API of the fake shares: replies, errors, the request a route handler gets, and the server's state."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from dataclasses import field
from email.message import Message
from typing import Any
from typing import Callable
from urllib.parse import unquote


class InputError(Exception):
    """The request body does not fit the model family (answered with 400 ValidationException)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Malformed input request: {detail}, please reformat your input and try again.")


@dataclass
class Reply:
    status: int
    body: bytes
    # None sends no Content-Type header.
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    # None means "no token/latency metric headers" (errors and test.nometrics).
    metrics: tuple[int, int] | None = None
    # False for answers from something in front of Bedrock (a proxy, a load balancer): no x-amzn-RequestId.
    from_bedrock: bool = True
    # Broken replies, each followed by hanging up: write only this many bytes of the body (Content-Length still
    # announces all of it), or write these bytes instead of any reply (status line and headers included).
    body_cut: int | None = None
    wire: bytes | None = None


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def error_reply(status: int, code: str, message: str, **extra: Any) -> Reply:
    """A Bedrock-style error: JSON ``{"message": ...}`` plus the code in ``x-amzn-ErrorType``."""
    payload: dict[str, Any] = {"message": message}
    payload.update(extra)
    return Reply(status, json_bytes(payload), headers={"x-amzn-ErrorType": code})


def ok_reply(payload: Any, input_tokens: int, output_tokens: int) -> Reply:
    return Reply(200, json_bytes(payload), metrics=(input_tokens, output_tokens))


@dataclass
class Request:
    """One request as a route handler sees it: the raw path's match, the decoded headers and the whole body."""

    method: str
    # The path as sent (still percent-encoded), without the query string.
    path: str
    query: str
    headers: Message
    body: bytes
    match: re.Match
    server: Any

    @property
    def model_id(self) -> str | None:
        """The decoded {modelId} of a /model/{modelId}/... path, or None."""
        model_id = self.match.groupdict().get("model_id")
        return unquote(model_id) if model_id is not None else None


@dataclass
class Route:
    """An API operation: requests whose method and raw path match are answered by ``handler``."""

    method: str
    pattern: re.Pattern
    handler: Callable[[Request], Reply]
    # The operation's name, recorded with each request (as in CloudTrail).
    operation: str = ""


class FaultCounters:
    """Requests seen per exact model id, so ``test.throttle-N`` fails N times and then succeeds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def next(self, model_id: str) -> int:
        with self._lock:
            self._counts[model_id] = self._counts.get(model_id, 0) + 1
            return self._counts[model_id]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class InvokeStats:
    """InvokeModel requests at the server: in flight now, the most at once, in all, and refused by test.crowd."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._max_in_flight = 0
        self._invocations = 0
        self._refused = 0

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._invocations += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def refuse_above(self, limit: int) -> bool:
        """Whether more than ``limit`` requests are in flight (counting the caller's), counting it as a refusal."""
        with self._lock:
            if self._in_flight <= limit:
                return False
            self._refused += 1
            return True

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "in_flight": self._in_flight,
                "max_in_flight": self._max_in_flight,
                "invocations": self._invocations,
                "refused": self._refused,
            }

    def reset(self) -> None:
        with self._lock:
            # Requests being answered now still leave later, so in_flight stays as it is; their peak starts from it.
            self._max_in_flight = self._in_flight
            self._invocations = 0
            self._refused = 0


class RequestRecorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []

    def record(self, item: dict[str, Any]) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
