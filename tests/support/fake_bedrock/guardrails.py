# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bedrock guardrails in the fake endpoint: the control plane (this file) and ApplyGuardrail (guardrail_apply.py).

API routes (rest-json, errors as ``x-amzn-ErrorType`` plus ``{"message"}``): ``POST /guardrails`` (CreateGuardrail,
202), ``GET /guardrails`` (ListGuardrails), ``GET|PUT|DELETE /guardrails/{id or ARN}`` (GetGuardrail, UpdateGuardrail
202, DeleteGuardrail 202), ``POST /guardrails/{id or ARN}`` (CreateGuardrailVersion, 202). Checked as the service
checks them (guardrail_rules.py); answered in the service's shapes (guardrail_shapes.py); statuses on a pace a test
sets (guardrail_store.py). Ids are 12 lower-case letters and digits, ARNs ``arn:aws:bedrock:REGION:ACCOUNT:guardrail/
ID`` with the region of the request's SigV4 scope. A second guardrail of an existing name, and a clientRequestToken
used again with another request, are ConflictException; the same token with the same request answers as the first
time. ListGuardrails lists the DRAFT of each guardrail, oldest first, or with ``guardrailIdentifier`` its DRAFT then
its versions in order. tagging.py tags the guardrails (the create's ``tags``); GetGuardrail shows no tags.

Control routes (never signed, JSON), also used by the benchmark:
``GET|POST /_test/guardrails/config`` (read or change GuardrailConfig: ready_after_reads, ready_after_seconds,
apply_latency, apply_max_in_flight, page_size, max_page_size, max_guardrails, max_versions, account, region; the
server flags ``--guardrail-ready-after-reads``, ``--guardrail-ready-after-seconds`` and ``--guardrail-apply-latency``
set their values at start), ``GET /_test/guardrails`` (every guardrail with each version's status history),
``GET /_test/guardrails/stats`` (ApplyGuardrail calls in flight, their peak, in all, and refused above
apply_max_in_flight), ``POST /_test/guardrails/{name, id or ARN}/ready`` (end its transitions now),
``POST /_test/guardrails/{name, id or ARN}/fail`` (body ``{"operation": "UpdateGuardrail" or
"CreateGuardrailVersion", "reasons": [...], "recommendations": [...]}``, all optional: the next such call ends
FAILED), ``DELETE /_test/guardrails`` (forget every guardrail, token, tag and fault of the seven operations; the
configuration back to the server's; the server's ``DELETE /_test/requests`` does it too). An ARN in a control path
is percent-encoded. Faults go through ``POST /_test/faults`` (operation_faults.py), as for every operation:
``{"operation": "ApplyGuardrail", "error": "ThrottlingException", "times": N}`` fails the next N calls so.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Callable
from urllib.parse import parse_qsl
from urllib.parse import unquote

from . import tagging
from .control_plane import ServiceError
from .control_plane import control_answer
from .control_plane import json_body
from .control_plane import request_region
from .core import InvokeStats
from .core import Reply
from .core import Request
from .core import Route
from .core import json_bytes
from .guardrail_rules import check_guardrail
from .guardrail_rules import check_identifier
from .guardrail_rules import check_list
from .guardrail_rules import check_version
from .guardrail_rules import check_version_request
from .guardrail_store import FAILURE_REASONS
from .guardrail_store import FAILURE_RECOMMENDATIONS
from .guardrail_store import GuardrailConfig
from .guardrail_store import GuardrailStore
from .operation_faults import OperationFaults
from .operation_faults import operation_faults
from .tagging import TagStore

_CONTROL_GUARDRAIL = re.compile(r"^/_test/guardrails/([^/]+)/(ready|fail)$")


class GuardrailService:
    """The guardrails of one fake server, and the ApplyGuardrail calls in flight."""

    def __init__(self, config: GuardrailConfig, tags: TagStore, faults: OperationFaults) -> None:
        self.store = GuardrailStore(config, tags)
        self.stats = InvokeStats()
        self.faults = faults

    def reset(self) -> None:
        self.store.reset()
        self.stats.reset()
        self.faults.forget(OPERATIONS)

    def answer(self, operation: str, request: Request) -> Reply:
        try:
            status, payload = self._answer(operation, request)
            return Reply(status, json_bytes(payload))
        except ServiceError as exc:
            return exc.reply()

    def _answer(self, operation: str, request: Request) -> tuple[int, dict[str, Any]]:
        store = self.store
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        if operation == "ListGuardrails":
            return 200, store.list(check_list(query))
        if operation == "CreateGuardrail":
            body = json_body(request.body)
            check_guardrail(body, create=True)
            return 202, store.create(body, request_region(request.headers, store.config.region))
        identifier = unquote(request.match.group("guardrail"))
        check_identifier(identifier)
        if operation == "GetGuardrail":
            check_version(query.get("guardrailVersion"))
            return 200, store.get(identifier, query.get("guardrailVersion"))
        if operation == "DeleteGuardrail":
            check_version(query.get("guardrailVersion"), numbered=True)
            store.delete(identifier, query.get("guardrailVersion"))
            return 202, {}
        body = json_body(request.body)
        if operation == "UpdateGuardrail":
            check_guardrail(body, create=False)
            return 202, store.update(identifier, body)
        check_version_request(body)
        return 202, store.create_version(identifier, body)

    # --- test controls -----------------------------------------------------------------------------------------

    def control(self, method: str, path: str, request: dict[str, Any]) -> tuple[int, Any]:
        """(status, JSON payload) of a ``/_test/guardrails`` control route, given its body."""
        store = self.store
        if path == "/_test/guardrails/config":
            with store.lock:
                return 200, store.config.configure(method, request)
        if path == "/_test/guardrails" and method == "GET":
            return 200, store.snapshot()
        if path == "/_test/guardrails" and method == "DELETE":
            self.reset()
            return 200, {"ok": True}
        if path == "/_test/guardrails/stats" and method == "GET":
            return 200, self.stats.snapshot()
        match = _CONTROL_GUARDRAIL.match(path)
        if match and method == "POST":
            identifier = unquote(match.group(1))
            if match.group(2) == "ready":
                store.finish(identifier)
            else:
                operation = request.get("operation", "UpdateGuardrail")
                if operation not in ("UpdateGuardrail", "CreateGuardrailVersion"):
                    raise ValueError("operation must be UpdateGuardrail or CreateGuardrailVersion")
                reasons = _texts(request, "reasons", FAILURE_REASONS)
                recommendations = _texts(request, "recommendations", FAILURE_RECOMMENDATIONS)
                store.fail_next(identifier, operation, reasons, recommendations)
            return 200, {"ok": True}
        return 404, {"message": f"No control route {method} {path}"}


def _texts(request: dict[str, Any], name: str, default: list[str]) -> list[str]:
    value = request.get(name, default)
    if not isinstance(value, list) or not all(isinstance(item, str) and 1 <= len(item) <= 200 for item in value):
        raise ValueError(f"{name} must be a list of strings of 1 to 200 characters")
    return list(value)


def service(server: Any) -> GuardrailService:
    """The server's guardrail service (made on first use, with the server's ``guardrail_defaults``)."""
    # Taken first: server.state() holds its lock while it makes a state, so a factory must not call it again.
    tags, faults = tagging.tag_store(server), operation_faults(server)
    return server.state(
        "guardrails", lambda: GuardrailService(GuardrailConfig(**server.guardrail_defaults), tags, faults)
    )


def _api(operation: str) -> Callable[[Request], Reply]:
    return lambda request: service(request.server).answer(operation, request)


def _control_route(request: Request) -> Reply:
    return control_answer(
        request.body, lambda body: service(request.server).control(request.method, request.path, body)
    )


_GUARDRAIL = r"^/guardrails/(?P<guardrail>[^/]+)$"
_CONTROL_OPERATIONS = {
    "CreateGuardrail": ("POST", r"^/guardrails$"),
    "ListGuardrails": ("GET", r"^/guardrails$"),
    "GetGuardrail": ("GET", _GUARDRAIL),
    "UpdateGuardrail": ("PUT", _GUARDRAIL),
    "DeleteGuardrail": ("DELETE", _GUARDRAIL),
    "CreateGuardrailVersion": ("POST", _GUARDRAIL),
}
# Every guardrail operation (ApplyGuardrail's route is guardrail_apply.py's).
OPERATIONS = (*_CONTROL_OPERATIONS, "ApplyGuardrail")
ROUTES = [Route(method, re.compile(path), _api(name), name) for name, (method, path) in _CONTROL_OPERATIONS.items()] + [
    Route(method, re.compile(r"^/_test/guardrails(/.*)?$"), _control_route) for method in ("GET", "POST", "DELETE")
]
