# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bedrock batch inference (model invocation jobs) in the fake endpoint, with moto's S3 behind the same URL.

API routes (rest-json, errors as ``x-amzn-ErrorType`` plus ``{"message"}``):
``POST /model-invocation-job``, ``GET /model-invocation-job/{id or ARN}``, ``GET /model-invocation-jobs``,
``POST /model-invocation-job/{id or ARN}/stop``, and ``POST /tagResource|/untagResource|/listTagsForResource`` for
job ARNs. Requests signed for ``s3`` go to the S3 upstream (``--s3-upstream URL``, moto's server).

Control routes (never signed, JSON), also used by the benchmark:
``GET|POST /_test/batch/config`` (read or change BatchConfig: step_seconds, min_records, ...),
``GET /_test/batch/jobs`` (every job with its id, scenarios, output location and manifest counts),
``POST /_test/batch/jobs/{name, id or ARN}/advance`` (body ``{"steps": N}``, default 1),
``POST /_test/batch/jobs/{name, id or ARN}/finish`` and ``POST /_test/batch/finish`` (every job), body
``{"status": "Completed|PartiallyCompleted|Failed|Expired|Stopped"}`` optional,
``POST /_test/batch/jobs/{name, id or ARN}/wait`` (body ``{"timeout": seconds}``: until the job is final),
``POST /_test/batch/faults`` (body ``{"operation": "CreateModelInvocationJob", "error": "ThrottlingException" or
"drop", "times": N}``: the next N calls of that operation fail so, "drop" creates the job and hangs up),
``DELETE /_test/batch`` (forget every job, tag and fault; the configuration back to the server's defaults).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import unquote

from .batch_jobs import BatchConfig
from .batch_jobs import JobStore
from .batch_rules import ERRORS
from .batch_rules import BatchError
from .batch_rules import check_create
from .batch_rules import check_identifier
from .batch_rules import check_list
from .batch_rules import error
from .s3_proxy import S3Upstream
from .s3_proxy import forward
from .s3_proxy import signed_service

_JOB = re.compile(r"^/model-invocation-job/([^/]+)$")
_STOP = re.compile(r"^/model-invocation-job/([^/]+)/stop$")
_CONTROL_JOB = re.compile(r"^/_test/batch/jobs/([^/]+)/(advance|finish|wait)$")
_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
_TAGGING = {"/tagResource": "TagResource", "/untagResource": "UntagResource", "/listTagsForResource": "ListTagsForResource"}


def operation_of(method: str, path: str) -> str | None:
    """The batch API operation a request path names, or None when it is none of them."""
    if path == "/model-invocation-job":
        return "CreateModelInvocationJob" if method == "POST" else "UnknownOperation"
    if path == "/model-invocation-jobs":
        return "ListModelInvocationJobs" if method == "GET" else "UnknownOperation"
    if _STOP.match(path):
        return "StopModelInvocationJob" if method == "POST" else "UnknownOperation"
    if _JOB.match(path):
        return "GetModelInvocationJob" if method == "GET" else "UnknownOperation"
    if path in _TAGGING:
        return _TAGGING[path] if method == "POST" else "UnknownOperation"
    return None


class BatchService:
    """The batch API, its S3 and its test controls, for one fake server."""

    def __init__(self, s3_upstream: str | None = None, config: BatchConfig | None = None) -> None:
        self.s3 = S3Upstream(s3_upstream) if s3_upstream else None
        self.store = JobStore(lambda: self.s3, config)

    # --- S3 ----------------------------------------------------------------------------------------------------

    def wants(self, headers: Any, path: str, query: str) -> bool:
        """Whether a request is for S3: signed for s3, or unsigned and not a Bedrock or control route."""
        if self.s3 is None:
            return False
        service = signed_service(headers, query)
        if service is not None:
            return service == "s3"
        return not (path.startswith(("/_test/", "/model/", "/model-invocation-job")) or path in _TAGGING)

    def forward(self, handler: Any) -> None:
        assert self.s3 is not None
        forward(handler, self.s3)

    # --- the API -----------------------------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any], str]:
        """(HTTP status, JSON payload, error code or "") of a batch API request; "drop" as the code hangs up."""
        operation = operation_of(method, path)
        try:
            if operation == "UnknownOperation":
                raise BatchError(404, "UnknownOperationException", f"No operation matches {method} {path}")
            fault = self.store.take_fault(operation or "")
            if fault is not None and fault != "drop":
                raise error(fault, f"Fault injected by the test for {operation}.")
            if operation == "CreateModelInvocationJob":
                request = _json_body(body)
                check_create(request)
                match = _REGION.search(headers.get("Authorization") or "")
                job, created = self.store.create(request, match.group(1) if match else None)
                dropped = created and (fault == "drop" or "dropped" in job.scenarios)
                return 200, {"jobArn": job.arn}, "drop" if dropped else ""
            if operation == "GetModelInvocationJob":
                identifier = unquote(_JOB.match(path).group(1))  # type: ignore[union-attr]
                check_identifier(identifier)
                return 200, self.store.get(identifier), ""
            if operation == "StopModelInvocationJob":
                identifier = unquote(_STOP.match(path).group(1))  # type: ignore[union-attr]
                check_identifier(identifier)
                self.store.stop(identifier)
                return 200, {}, ""
            if operation == "ListModelInvocationJobs":
                return 200, self.store.list(check_list(dict(parse_qsl(query, keep_blank_values=True)))), ""
            return self._tagging(operation or "", _json_body(body))
        except BatchError as exc:
            return exc.status, {"message": exc.message}, exc.code

    def _tagging(self, operation: str, request: Any) -> tuple[int, dict[str, Any], str]:
        arn = request.get("resourceARN") if isinstance(request, dict) else None
        with self.store.cond:
            tags = self.store.tags.get(arn) if isinstance(arn, str) else None
            if tags is None:
                raise error("ResourceNotFoundException", f"The resource {arn} could not be found.")
            if operation == "ListTagsForResource":
                return 200, {"tags": [{"key": k, "value": v} for k, v in tags.items()]}, ""
            if operation == "TagResource":
                new = request.get("tags")
                if not isinstance(new, list) or not all(isinstance(t, dict) and "key" in t for t in new):
                    raise error("ValidationException", "tags must be a list of {key, value}.")
                tags.update({tag["key"]: tag.get("value", "") for tag in new})
            else:
                keys = request.get("tagKeys")
                if not isinstance(keys, list):
                    raise error("ValidationException", "tagKeys must be a list.")
                for key in keys:
                    tags.pop(key, None)
            return 200, {}, ""

    # --- test controls -----------------------------------------------------------------------------------------

    def control(self, method: str, path: str, body: bytes) -> tuple[int, Any] | None:
        """(status, JSON payload) of a ``/_test/batch`` control route, or None when the path is not one."""
        if not path.startswith("/_test/batch"):
            return None
        try:
            request = json.loads(body) if body.strip() else {}
            if not isinstance(request, dict):
                raise ValueError("the body must be a JSON object")
            return self._control(method, path, request)
        except ValueError as exc:
            return 400, {"message": str(exc)}
        except BatchError as exc:
            return exc.status, {"message": exc.message}

    def _control(self, method: str, path: str, request: dict[str, Any]) -> tuple[int, Any]:
        store = self.store
        if path == "/_test/batch/config":
            if method == "POST":
                with store.cond:
                    store.config.update(request)
                    store.cond.notify_all()
            return 200, store.config.snapshot()
        if path == "/_test/batch/jobs" and method == "GET":
            return 200, store.snapshot()
        if path == "/_test/batch" and method == "DELETE":
            store.reset()
            return 200, {"ok": True}
        if path == "/_test/batch/finish" and method == "POST":
            store.finish(None, _final_status(request))
            return 200, {"ok": True}
        if path == "/_test/batch/faults" and method == "POST":
            operation, code, times = request.get("operation"), request.get("error"), request.get("times", 1)
            if operation_of(*_OPERATION_PATHS.get(operation, ("", ""))) != operation:
                raise ValueError(f"unknown operation {operation!r}")
            if code not in ERRORS and not (code == "drop" and operation == "CreateModelInvocationJob"):
                raise ValueError(f"unknown error {code!r} (or 'drop', for CreateModelInvocationJob only)")
            if isinstance(times, bool) or not isinstance(times, int) or times < 1:
                raise ValueError("times must be a positive integer")
            store.add_fault(operation, code, times)
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


# A request line that names each operation, to check the operation names a test gives.
_OPERATION_PATHS = {
    "CreateModelInvocationJob": ("POST", "/model-invocation-job"),
    "GetModelInvocationJob": ("GET", "/model-invocation-job/x"),
    "ListModelInvocationJobs": ("GET", "/model-invocation-jobs"),
    "StopModelInvocationJob": ("POST", "/model-invocation-job/x/stop"),
}


def _final_status(request: dict[str, Any]) -> str | None:
    status = request.get("status")
    if status not in (None, "Completed", "PartiallyCompleted", "Failed", "Expired", "Stopped"):
        raise ValueError(f"status must be a final status, not {status!r}")
    return status


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8")) if body.strip() else {}
    except ValueError:
        raise error("ValidationException", "The request body is not valid JSON.") from None
