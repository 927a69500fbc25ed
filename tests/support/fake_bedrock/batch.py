# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bedrock batch inference (model invocation jobs) in the fake endpoint, with moto's S3 behind the same URL.

API routes (rest-json, errors as ``x-amzn-ErrorType`` plus ``{"message"}``):
``POST /model-invocation-job``, ``GET /model-invocation-job/{id or ARN}``, ``GET /model-invocation-jobs``,
``POST /model-invocation-job/{id or ARN}/stop``; tagging.py tags the jobs. Requests signed for ``s3`` go to the S3
upstream (``--s3-upstream URL``, moto's server). A job's ``modelId`` passes catalogue.py's refusals (a profile-only
model by its id is refused as InvokeModel refuses it); an application inference profile's ARN runs as its model.

Control routes (never signed, JSON), also used by the benchmark:
``GET|POST /_test/batch/config`` (read or change BatchConfig: step_seconds, min_records, ...),
``GET /_test/batch/jobs`` (every job with its id, scenarios, output location and manifest counts),
``POST /_test/batch/jobs/{name, id or ARN}/advance`` (body ``{"steps": N}``, default 1),
``POST /_test/batch/jobs/{name, id or ARN}/finish`` and ``POST /_test/batch/finish`` (every job), body
``{"status": "Completed|PartiallyCompleted|Failed|Expired|Stopped"}`` optional,
``POST /_test/batch/jobs/{name, id or ARN}/wait`` (body ``{"timeout": seconds}``: until the job is final),
``DELETE /_test/batch`` (forget every job, tag and fault of the batch operations; the configuration back to the
server's defaults; the server's ``DELETE /_test/requests`` does that too). An ARN in a control path is
percent-encoded (it holds a ``/``). Faults go through ``POST /_test/faults`` (operation_faults.py), as for every
operation: ``{"operation": "CreateModelInvocationJob", "error": "ThrottlingException" or "drop", "times": N}``,
"drop" creating the job and hanging up.
The leading words of a job's name pick a scenario (``hold-``, ``expire-``, ``fail-``, ``partial-``, ``dropped-``):
batch_jobs.py says what each does.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Callable
from urllib.parse import parse_qsl
from urllib.parse import unquote

from . import tagging
from .batch_jobs import JobStore
from .batch_rules import BatchConfig
from .batch_rules import check_create
from .batch_rules import check_identifier
from .batch_rules import check_list
from .control_plane import ServiceError
from .control_plane import control_answer
from .control_plane import error
from .control_plane import json_body
from .control_plane import request_region
from .core import Reply
from .core import Request
from .core import Route
from .core import error_reply
from .core import json_bytes
from .inference_profiles import resolve_invocation
from .operation_faults import DROPPED
from .operation_faults import OperationFaults
from .operation_faults import operation_faults
from .s3_proxy import S3Upstream
from .tagging import TagStore

_JOB = r"^/model-invocation-job/(?P<job>[^/]+)"
_CONTROL_JOB = re.compile(r"^/_test/batch/jobs/([^/]+)/(advance|finish|wait)$")

# Where the paths of each of the fake's own APIs start, so that an unsigned request for them is not taken for S3
# (an S3 bucket name is lower case, 3 to 63 letters, digits, dots and hyphens). One line per API.
BEDROCK_PATHS = (
    "/_test/",
    "/model/",
    "/model-invocation-job",
    *tagging.PATHS,
    "/inference-profiles",
    "/foundation-models",
    "/foundation-model-availability/",
    "/logging/modelinvocations",
    "/guardrail",
)


def is_bedrock_path(path: str) -> bool:
    """Whether an unsigned request's path is one of this fake's own (so it is not for S3)."""
    return path.startswith(BEDROCK_PATHS)


class BatchService:
    """The batch API's jobs and tags and its test controls, for one fake server."""

    def __init__(self, s3: S3Upstream | None, config: BatchConfig, tags: TagStore, faults: OperationFaults) -> None:
        self.store = JobStore(s3, config, tags)
        self.faults = faults

    def reset(self) -> None:
        self.store.reset()
        self.faults.forget(_OPERATIONS)

    def answer(self, operation: str, request: Request) -> Reply:
        try:
            if operation == "CreateModelInvocationJob":
                body = json_body(request.body)
                check_create(body)
                # The catalogue's refusals (a profile-only model by its id, ...); an application profile's model.
                answer_as = resolve_invocation(request, body["modelId"])
                region = request_region(request.headers, self.store.config.region)
                job, created = self.store.create(body, region, answer_as)
                if created and "dropped" in job.scenarios:
                    # The job exists, but the client never hears so: it sees the connection close.
                    return DROPPED
                return Reply(200, json_bytes({"jobArn": job.arn}))
            if operation in ("GetModelInvocationJob", "StopModelInvocationJob"):
                identifier = unquote(request.match.group("job"))
                check_identifier(identifier)
                if operation == "StopModelInvocationJob":
                    self.store.stop(identifier)
                    return Reply(200, b"{}")
                return Reply(200, json_bytes(self.store.get(identifier)))
            if operation == "ListModelInvocationJobs":
                query = check_list(dict(parse_qsl(request.query, keep_blank_values=True)))
                return Reply(200, json_bytes(self.store.list(query)))
            raise error("ValidationException", f"Unknown operation {operation}.")
        except ServiceError as exc:
            return error_reply(exc.status, exc.code, exc.message)

    # --- test controls -----------------------------------------------------------------------------------------

    def control(self, method: str, path: str, request: dict[str, Any]) -> tuple[int, Any]:
        """(status, JSON payload) of a ``/_test/batch`` control route, given its body."""
        store = self.store
        if path == "/_test/batch/config":
            with store.cond:
                # Jobs waiting out a status look at the (maybe new) step_seconds again.
                store.cond.notify_all()
                return 200, store.config.configure(method, request)
        if path == "/_test/batch/jobs" and method == "GET":
            return 200, store.snapshot()
        if path == "/_test/batch" and method == "DELETE":
            self.reset()
            return 200, {"ok": True}
        if path == "/_test/batch/finish" and method == "POST":
            store.finish(None, _final_status(request))
            return 200, {"ok": True}
        match = _CONTROL_JOB.match(path)
        if match and method == "POST":
            identifier, action = unquote(match.group(1)), match.group(2)
            if action == "advance":
                steps = request.get("steps", 1)
                if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
                    raise ValueError("steps must be a positive integer")
                store.advance(identifier, steps)
            elif action == "finish":
                store.finish(identifier, _final_status(request))
            else:
                timeout = request.get("timeout", 60)
                if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 <= timeout <= 600:
                    raise ValueError("timeout must be 0 to 600 seconds")
                return 200, store.wait_final(identifier, float(timeout))
            return 200, {"ok": True}
        return 404, {"message": f"No control route {method} {path}"}


def _service(request: Request) -> BatchService:
    server = request.server
    # Taken first: server.state() holds its lock while it makes a state, so a factory must not call it again.
    tags, faults = tagging.tag_store(server), operation_faults(server)
    return server.state("batch", lambda: BatchService(server.s3, BatchConfig(**server.batch_defaults), tags, faults))


def _api(operation: str) -> Callable[[Request], Reply]:
    return lambda request: _service(request).answer(operation, request)


def _control_route(request: Request) -> Reply:
    return control_answer(request.body, lambda body: _service(request).control(request.method, request.path, body))


_OPERATIONS = {
    "CreateModelInvocationJob": ("POST", r"^/model-invocation-job$"),
    "GetModelInvocationJob": ("GET", _JOB + "$"),
    "ListModelInvocationJobs": ("GET", r"^/model-invocation-jobs$"),
    "StopModelInvocationJob": ("POST", _JOB + "/stop$"),
}
ROUTES = [Route(method, re.compile(path), _api(name), name) for name, (method, path) in _OPERATIONS.items()] + [
    Route(method, re.compile(r"^/_test/batch(/.*)?$"), _control_route) for method in ("GET", "POST", "DELETE")
]


def _final_status(request: dict[str, Any]) -> str | None:
    status = request.get("status")
    if status not in (None, "Completed", "PartiallyCompleted", "Failed", "Expired", "Stopped"):
        raise ValueError(f"status must be a final status, not {status!r}")
    return status
