# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``InvokeModel`` API (``POST /model/{modelId}/invoke``): real model families, and ``test.*`` model ids.

The ``test.*`` ids inject the faults real services produce but moto cannot: throttling, unavailability, slow replies,
binary bodies, replies cut off or mangled on the way, errors from a proxy in front of Bedrock, an account-wide
concurrency limit, ... (the counted and permanent service errors are shared with the other runtime APIs: faults.py).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from .control_plane import ServiceError
from .core import FaultCounters
from .core import InputError
from .core import InvokeStats
from .core import Reply
from .core import Request
from .core import Route
from .core import error_reply
from .core import ok_reply
from .faults import MAX_SLEEP
from .faults import THROTTLING_MESSAGE
from .faults import service_fault
from .inference_profiles import resolve_invocation
from .models import INVALID_MODEL_MESSAGE
from .models import family_model_id
from .models import family_reply
from .models import large_embedding_body
from .models import tiny_png
from .models import words

TEXT_REPLY = "Grüße from the fake Bedrock endpoint – déjà vu.\n"
MAX_LARGE = 10_000_000
MAX_DEEP = 100_000
# test.surrogate: a model cut off in the middle of an emoji, its reply escaping the lone high surrogate.
SURROGATE_BODY = b'{"completion": "cut emoji \\ud83d", "stop_reason": "max_tokens"}'
# test.truncated announces all of this in Content-Length but sends only the first half.
TRUNCATED_BODY = b'{"completion": "This answer stops half way: the connection drops.", "stop_reason": "end_turn"}'
# test.crowd's answer time when the request does not ask for another delay.
CROWD_DELAY = 0.1

# The seconds end at the end of the id or at a dot, so "test.slow-1.5" is 1.5 s and "test.slow-1.5a" is 1 s.
_SLOW = re.compile(r"^test\.slow-(\d+(?:\.\d+)?)(?=$|\.)")
_LARGE = re.compile(r"^test\.large-(\d+)")
# The ids below end at the end of the id or at a dot too, so that a test can add ".anything" to make its id unique.
_DEEP = re.compile(r"^test\.deep-(\d+)(?=$|\.)")
_CROWD = re.compile(r"^test\.crowd-(\d+)(?=$|\.)")
_CUT_HEADERS = re.compile(r"^test\.cutheaders(?=$|\.)")
_TRUNCATED = re.compile(r"^test\.truncated(?=$|\.)")
_SURROGATE = re.compile(r"^test\.surrogate(?=$|\.)")
_DELAY = re.compile(r"^test\.delay(?=$|\.)")


def deep_body(depth: int) -> bytes:
    """A JSON reply whose "deep" value is ``depth`` nested lists, deeper than some JSON decoders can go."""
    return b'{"deep": ' + b"[" * depth + b"]" * depth + b', "stop_reason": "end_turn"}'


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The request body when it is a JSON object (NaN and Infinity refused: they could not be echoed), else None."""
    try:
        parsed = json.loads(body.decode("utf-8"), parse_constant=_not_json)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _requested_delay(request: dict[str, Any] | None, default: float) -> float:
    """The seconds a request asks to be answered after (its "delay" key, capped at MAX_SLEEP), or ``default``."""
    if request is None or "delay" not in request:
        return default
    delay = request["delay"]
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay:
        raise InputError("#/delay: expected a number of seconds, not negative")
    return float(min(delay, MAX_SLEEP))


def _crowd_reply(limit: int, body: bytes, stats: InvokeStats) -> Reply:
    # Like an account quota: refused at once when the server is busier than the limit, whatever the model.
    if stats.refuse_above(limit):
        return error_reply(429, "ThrottlingException", THROTTLING_MESSAGE)
    time.sleep(_requested_delay(_json_object(body), CROWD_DELAY))
    return ok_reply({"ok": True}, words(body), 1)


def _delay_reply(body: bytes) -> Reply:
    request = _json_object(body)
    if request is None:
        raise InputError("#: expected type: JSONObject")
    time.sleep(_requested_delay(request, 0.0))
    return ok_reply({"echo": request}, words(body), 1)


def _hostile_reply(family: str, body: bytes, stats: InvokeStats) -> Reply | None:
    """Replies that are broken, odd, or not from Bedrock at all; None when the id asks for none of them."""
    if _CUT_HEADERS.match(family):
        # Hang up in the middle of a header line, before any Content-Length.
        head = f"HTTP/1.1 200 OK\r\nx-amzn-RequestId: {uuid.uuid4()}\r\nContent-Type: applic"
        return Reply(200, b"", wire=head.encode("ascii"))
    if _TRUNCATED.match(family):
        return Reply(200, TRUNCATED_BODY, metrics=(words(body), 8), body_cut=len(TRUNCATED_BODY) // 2)
    if _SURROGATE.match(family):
        return Reply(200, SURROGATE_BODY, metrics=(words(body), 3))
    match = _DEEP.match(family)
    if match:
        return Reply(200, deep_body(min(int(match.group(1)), MAX_DEEP)), metrics=(words(body), 1))
    if _DELAY.match(family):
        return _delay_reply(body)
    match = _CROWD.match(family)
    if match:
        return _crowd_reply(int(match.group(1)), body, stats)
    return None


def _test_model_reply(
    family: str, model_id: str, body: bytes, content_type: str | None, counters: FaultCounters, stats: InvokeStats
) -> Reply:
    if family.startswith("test.echo"):
        return Reply(200, body, content_type or "application/json", metrics=(words(body), words(body)))
    hostile = _hostile_reply(family, body, stats)
    if hostile is not None:
        return hostile
    fault = service_fault(family, model_id, counters)
    if fault is not None:
        reply, attempt = fault
        return reply if reply is not None else ok_reply({"ok": True, "attempts": attempt}, words(body), 1)
    match = _SLOW.match(family)
    if match:
        seconds = float(match.group(1))
        time.sleep(min(seconds, MAX_SLEEP))
        return ok_reply({"ok": True, "slept": seconds}, words(body), 1)
    if family.startswith("test.png"):
        return Reply(200, tiny_png(), "image/png", metrics=(words(body), 1))
    if family.startswith("test.text"):
        return Reply(
            200, TEXT_REPLY.encode("utf-8"), "text/plain; charset=utf-8", metrics=(words(body), words(TEXT_REPLY))
        )
    if family.startswith("test.badjson"):
        return Reply(200, b'{"not": json', metrics=(words(body), 1))
    match = _LARGE.match(family)
    if match:
        size = int(match.group(1))
        if size > MAX_LARGE:
            return error_reply(400, "ValidationException", f"test.large supports up to {MAX_LARGE} values.")
        return Reply(200, large_embedding_body(size), metrics=(1, size))
    if family.startswith("test.nometrics"):
        return Reply(200, b'{"ok": true}')
    return error_reply(400, "ValidationException", INVALID_MODEL_MESSAGE)


def invoke_reply(
    model_id: str, body: bytes, content_type: str | None, counters: FaultCounters, stats: InvokeStats
) -> Reply:
    """The reply to ``InvokeModel`` for a decoded model id (no HTTP or auth concerns here)."""
    family = family_model_id(model_id)
    if family.startswith("test."):
        try:
            return _test_model_reply(family, model_id, body, content_type, counters, stats)
        except InputError as exc:
            return error_reply(400, "ValidationException", str(exc))
    reply = family_reply(family, body)
    return reply if reply is not None else error_reply(400, "ValidationException", INVALID_MODEL_MESSAGE)


def add_reply_headers(reply: Reply, request: Request) -> Reply:
    """Bedrock's headers on a successful answer: token counts and latency, and the options it applied."""
    if reply.status == 200:
        if reply.metrics is not None:
            input_tokens, output_tokens = reply.metrics
            reply.headers["X-Amzn-Bedrock-Input-Token-Count"] = str(input_tokens)
            reply.headers["X-Amzn-Bedrock-Output-Token-Count"] = str(output_tokens)
            # A made-up but reproducible latency: 100 ms plus 10 ms per generated token.
            reply.headers["X-Amzn-Bedrock-Invocation-Latency"] = str(100 + 10 * output_tokens)
        for name in ("X-Amzn-Bedrock-PerformanceConfig-Latency", "X-Amzn-Bedrock-Service-Tier"):
            if request.headers.get(name) is not None:
                reply.headers[name] = request.headers[name]
    return reply


def handle_invoke(request: Request) -> Reply:
    server = request.server
    server.stats.enter()
    try:
        # The catalogue's refusals (a profile-only model by its id, ...); an application profile's model.
        model_id = resolve_invocation(request, request.model_id or "")
        reply = invoke_reply(model_id, request.body, request.headers.get("Content-Type"), server.counters, server.stats)
    except ServiceError as exc:
        reply = exc.reply()
    finally:
        # Also when answering failed, or in_flight would only ever grow.
        server.stats.leave()
    return add_reply_headers(reply, request)


ROUTES = [Route("POST", re.compile(r"^/model/(?P<model_id>[^/]+)/invoke$"), handle_invoke, "InvokeModel")]
