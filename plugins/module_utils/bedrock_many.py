# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What only amazon.ai.bedrock_invoke_models needs: many requests from one task, sent concurrently.

Each request is checked, encoded, sent, retried and decoded by the same helpers bedrock_invoke_model uses
(module_utils/bedrock.py); this file adds merging the task's options into each request, a concurrency limit
that backs off when Bedrock throttles, and the summary of many replies.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.ai.plugins.module_utils.bedrock import INVOKE_OPTIONS
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import OPTION_GATES
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import BedrockReplyError
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import build_result
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import failure_message
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import prepare_request
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import validate_model_id
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import validate_options
from ansible_collections.amazon.ai.plugins.module_utils.clients import is_busy
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_bedrock_client
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

MAX_CONCURRENCY = 64
# The options a request of requests may set for itself; any it leaves unset (None) come from the task.
REQUEST_OPTIONS = ("model_id",) + tuple(INVOKE_OPTIONS)
# How many failed requests the task's message names (all of them are in responses).
FAILURES_NAMED = 3


def request_params(task: Dict[str, Any], entry: Optional[Mapping], body: Any) -> Dict[str, Any]:
    """The options of one request: what its entry of requests sets, else the task's, and its body."""
    params = {option: task.get(option) for option in REQUEST_OPTIONS}
    if entry is not None:
        params.update((option, entry[option]) for option in REQUEST_OPTIONS if entry.get(option) is not None)
    params["body"] = body
    return params


def request_source(task: Dict[str, Any]) -> str:
    """The option the requests come from, as messages name them."""
    return "requests" if task.get("requests") is not None else "bodies"


def expand_requests(task: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One params mapping per request, in order, from the task's bodies or requests."""
    if task.get("requests") is not None:
        return [request_params(task, entry, entry.get("body")) for entry in task["requests"]]
    if task.get("bodies") is None:
        # Set, but to null (a variable that was empty, say): not the empty list that means "send nothing".
        raise BedrockParameterError(
            "bodies or requests must be a list of requests (an empty list sends nothing), not null"
        )
    return [request_params(task, None, body) for body in task["bodies"]]


def check_max_concurrency(value: int) -> None:
    # ansible-core's int type lets a boolean through, and true would quietly mean 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BedrockParameterError(f"max_concurrency must be a whole number of requests, not {value!r}")
    if not 1 <= value <= MAX_CONCURRENCY:
        raise BedrockParameterError(
            f"max_concurrency must be between 1 and {MAX_CONCURRENCY} requests in flight at once, not {value}"
        )


def task_problem(task: Dict[str, Any]) -> Optional[str]:
    """What is wrong with the task's own model_id (if it sets one) and request options, if anything."""
    try:
        if task.get("model_id") is not None:
            validate_model_id(task["model_id"])
        validate_options(task)
    except BedrockParameterError as e:
        return str(e)
    return None


def prepare_requests(
    requests: List[Dict[str, Any]], source: str, task: Optional[Dict[str, Any]] = None
) -> List[Dict[str, Any]]:
    """InvokeModel's arguments for every request, all checked and encoded before any is sent.

    Raises BedrockParameterError for the first request that cannot be sent, naming it as source[index], or,
    when its problem is the very problem of the task's own options, naming only those.
    """
    from_task = task_problem(task) if task is not None else None
    prepared = []
    for index, params in enumerate(requests):
        if not params.get("model_id"):
            raise BedrockParameterError(
                f"{source}[{index}] has no model_id, and the task sets none: set model_id on the task, or on every "
                "entry of requests"
            )
        try:
            prepared.append(prepare_request(params))
        except BedrockParameterError as e:
            if str(e) == from_task:
                raise
            raise BedrockParameterError(f"{source}[{index}] (model {params['model_id']!r}): {e}") from None
    return prepared


class AdaptiveLimiter:
    """How many requests may be in flight: fewer after Bedrock throttles, more again after successes.

    Halves the limit on a busy answer (at least 1) and adds one after as many successes in a row as the limit,
    as TCP does with its congestion window. Busy answers to requests sent before the last cut do not cut again:
    they report the crowd that was already cut down.
    """

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.limit = maximum
        self.lowest = maximum
        self.in_flight = 0
        self._generation = 0
        self._successes = 0
        self._changed = threading.Condition()

    def acquire(self) -> int:
        """Wait for a free slot and take it; returns a ticket to hand back to release()."""
        with self._changed:
            while self.in_flight >= self.limit:
                self._changed.wait()
            self.in_flight += 1
            return self._generation

    def release(self, ticket: int, busy: bool, succeeded: bool) -> None:
        """Give back a slot, reporting whether Bedrock was busy or answered."""
        with self._changed:
            self.in_flight -= 1
            if busy and ticket == self._generation:
                self.limit = max(1, self.limit // 2)
                self.lowest = min(self.lowest, self.limit)
                self._generation += 1
                self._successes = 0
            elif succeeded and self.limit < self.maximum:
                self._successes += 1
                if self._successes >= self.limit:
                    self.limit += 1
                    self._successes = 0
            self._changed.notify_all()


def send_with_limiter(
    client: Any, request: Dict[str, Any], limiter: AdaptiveLimiter, tries: List[int]
) -> Tuple[Dict[str, Any], bytes]:
    """Send one request within the limiter, retried with bedrock_invoke_model's backoff; (response, body).

    Each try is appended to tries. The sleeps between tries (after a busy answer, or a connection that could
    not be made) happen outside the limiter, so a request waiting to try again holds no slot.
    """

    # A decorator of its own: the backoff's state must not be shared between requests sent at the same time.
    @retry_decorator()
    def attempt() -> Tuple[Dict[str, Any], bytes]:
        tries.append(1)
        ticket = limiter.acquire()
        busy = succeeded = False
        try:
            response = client.invoke_model(**request)
            payload = response["body"].read()
            succeeded = True
            return response, payload
        except ClientError as e:
            busy = is_busy(e)
            raise
        finally:
            limiter.release(ticket, busy, succeeded)

    return attempt()


def describe_failure(model_id: str, error: Exception) -> Dict[str, Any]:
    """A failed request's entry of responses, with the keys a failed bedrock_invoke_model task has."""
    entry: Dict[str, Any] = {"failed": True, "model_id": model_id}
    if isinstance(error, BedrockReplyError):
        entry["msg"] = f"Failed to invoke Bedrock model {model_id!r}: {error}"
        return entry
    entry["msg"] = f"{failure_message(model_id, error)}: {error}"
    details = getattr(error, "response", None)
    if isinstance(details, Mapping):
        entry.update(camel_dict_to_snake_dict({k: v for k, v in details.items() if k in ("Error", "ResponseMetadata")}))
    return entry


class Outcome(NamedTuple):
    entry: Dict[str, Any]  # the request's entry of responses
    notes: List[str]  # what to warn about
    tries: int  # how many times it was sent


def invoke_one(client: Any, params: Dict[str, Any], request: Dict[str, Any], limiter: AdaptiveLimiter) -> Outcome:
    """Send one request and describe how it went."""
    tries: List[int] = []
    try:
        response, payload = send_with_limiter(client, request, limiter, tries)
        result, notes = build_result(params, response, payload)
    except (BotoCoreError, ClientError, BedrockReplyError) as e:
        return Outcome(describe_failure(params["model_id"], e), [], len(tries))
    result.pop("changed")
    return Outcome(result, notes, len(tries))


def summarize(responses: List[Dict[str, Any]], tries: List[int], lowest_concurrency: int) -> Dict[str, Any]:
    """Counts over every request: how many succeeded, failed and were retried, and the tokens reported."""
    summary: Dict[str, Any] = {
        "requests": len(responses),
        "succeeded": sum(1 for entry in responses if not entry.get("failed")),
        "failed": sum(1 for entry in responses if entry.get("failed")),
        "retried": sum(1 for count in tries if count > 1),
        "retries": sum(count - 1 for count in tries),
        "lowest_concurrency": lowest_concurrency,
    }
    for metric in ("input_token_count", "output_token_count"):
        counts = [
            entry["invocation_metrics"][metric] for entry in responses if metric in entry.get("invocation_metrics", {})
        ]
        if counts:
            summary[metric] = sum(counts)
    return summary


def failure_summary(responses: List[Dict[str, Any]], source: str) -> Optional[str]:
    """The task's message when requests failed, naming the first few as source[index] (None when none failed)."""
    failed = [(index, entry) for index, entry in enumerate(responses) if entry.get("failed")]
    if not failed:
        return None
    named = [
        f"{source}[{index}] (model {entry['model_id']!r}): {_reason(entry)}" for index, entry in failed[:FAILURES_NAMED]
    ]
    more = f"; and {len(failed) - FAILURES_NAMED} more" if len(failed) > FAILURES_NAMED else ""
    return f"{len(failed)} of {len(responses)} Bedrock requests failed: {'; '.join(named)}{more}"


def _reason(entry: Dict[str, Any]) -> str:
    """A failed request's AWS error code, else its message without the model it names (the summary names it)."""
    code = entry.get("error", {}).get("code")
    if code:
        return code
    prefix = f"Failed to invoke Bedrock model {entry['model_id']!r}"
    msg = entry["msg"]
    start = len(prefix)
    return msg[start:].lstrip(": ") if msg.startswith(prefix) else msg


def run_concurrently(work: Callable[[int], Any], count: int, concurrency: int) -> List[Any]:
    """work(index) for every index, at most concurrency at once, results in index order."""
    if count == 0:
        return []
    with ThreadPoolExecutor(max_workers=min(concurrency, count)) as pool:
        return list(pool.map(work, range(count)))


def invoke_models(module: Any) -> Tuple[Dict[str, Any], List[str]]:
    """Check every request, then (unless in check mode) send them all; returns the task result and warnings.

    Raises BedrockParameterError, before anything is sent, when any request cannot be sent.
    """
    task = module.params
    check_max_concurrency(task["max_concurrency"])
    source = request_source(task)
    requests = expand_requests(task)
    prepared = prepare_requests(requests, source, task)
    require_boto3_for(module, *requests, gates=OPTION_GATES)
    concurrency = task["max_concurrency"]
    # One client for every request; its connection pool must hold as many connections as requests in flight.
    client = retrying_bedrock_client(module, max_pool_connections=concurrency)
    if module.check_mode:
        responses = [build_result(params, None, b"")[0] for params in requests]
        for entry in responses:
            entry.pop("changed")
        return {"changed": bool(requests), "responses": responses}, []
    limiter = AdaptiveLimiter(concurrency)
    outcomes = run_concurrently(
        lambda index: invoke_one(client, requests[index], prepared[index], limiter), len(requests), concurrency
    )
    responses = [outcome.entry for outcome in outcomes]
    warnings = [
        f"{source}[{index}] (model {requests[index]['model_id']!r}): {note}"
        for index, outcome in enumerate(outcomes)
        for note in outcome.notes
    ]
    summary = summarize(responses, [outcome.tries for outcome in outcomes], limiter.lowest)
    return {"changed": bool(requests), "responses": responses, "summary": summary}, warnings
