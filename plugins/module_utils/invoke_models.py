# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The family of amazon.ai.bedrock_invoke_models: many InvokeModel requests from one task, sent concurrently.

Each request is checked, built, sent, retried and decoded by the very helpers bedrock_invoke_model uses
(invoke_model.py), within the adaptive concurrency limit of sending.py; this file adds merging the task's options
into each request, and the summary of many replies.
"""

from __future__ import annotations

from collections.abc import Mapping
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

from ansible_collections.amazon.ai.plugins.module_utils.clients import failure_message
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_bedrock_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockReplyError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_model_id
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import INVOKE_OPTIONS
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import OPTION_GATES
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import build_invoke_request
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import build_invoke_result
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import check_invoke_options
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import invoke_action
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import invoke_options
from ansible_collections.amazon.ai.plugins.module_utils.responses import RESPONSES_DEST_OPTION
from ansible_collections.amazon.ai.plugins.module_utils.responses import check_responses_dest
from ansible_collections.amazon.ai.plugins.module_utils.responses import write_responses_dest
from ansible_collections.amazon.ai.plugins.module_utils.sending import AdaptiveLimiter
from ansible_collections.amazon.ai.plugins.module_utils.sending import check_max_concurrency
from ansible_collections.amazon.ai.plugins.module_utils.sending import retry_counts
from ansible_collections.amazon.ai.plugins.module_utils.sending import run_concurrently
from ansible_collections.amazon.ai.plugins.module_utils.sending import send_within
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

# The options a request of requests may set for itself; any it leaves unset (None) come from the task.
REQUEST_OPTIONS = ("model_id",) + tuple(INVOKE_OPTIONS)
# The options that list one entry per request.
REQUEST_LISTS = ("bodies", "requests")
# How many failed requests the task's message names (all of them are in responses).
FAILURES_NAMED = 3
DEFAULT_CONCURRENCY = 8


def argument_spec() -> Dict[str, Any]:
    """bedrock_invoke_models' argument spec, for the module and for its action plugin on the controller."""
    request_options = dict(body=dict(type="raw", required=True), model_id=dict(type="str"), **invoke_options(False))
    return dict(
        model_id=dict(type="str"),
        bodies=dict(type="list", elements="raw"),
        requests=dict(type="list", elements="dict", options=request_options),
        max_concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
        responses_dest=dict(RESPONSES_DEST_OPTION),
        **invoke_options(),
    )


def request_params(task: Mapping, entry: Optional[Mapping], body: Any) -> Dict[str, Any]:
    """The options of one request: what its entry of requests sets, else the task's, and its body."""
    params = {option: task.get(option) for option in REQUEST_OPTIONS}
    if entry is not None:
        params.update((option, entry[option]) for option in REQUEST_OPTIONS if entry.get(option) is not None)
    params["body"] = body
    return params


def request_source(task: Mapping) -> str:
    """The option the requests come from, as messages name them."""
    return "requests" if task.get("requests") is not None else "bodies"


def expand_requests(task: Mapping) -> List[Dict[str, Any]]:
    """One params mapping per request, in order, from the task's bodies or requests."""
    if task.get("requests") is not None:
        return [request_params(task, entry, entry.get("body")) for entry in task["requests"]]
    if task.get("bodies") is None:
        # Set, but to null (a variable that was empty, say): not the empty list that means "send nothing".
        raise BedrockParameterError(
            "bodies or requests must be a list of requests (an empty list sends nothing), not null"
        )
    return [request_params(task, None, body) for body in task["bodies"]]


def _task_problem(task: Mapping) -> Optional[str]:
    """What is wrong with the task's own model_id (if it sets one) and request options, if anything."""
    try:
        if task.get("model_id") is not None:
            check_model_id(task["model_id"])
        check_invoke_options(task)
    except BedrockParameterError as e:
        return str(e)
    return None


def build_invoke_requests(
    requests: List[Dict[str, Any]], source: str, task: Optional[Mapping] = None
) -> List[Dict[str, Any]]:
    """InvokeModel's arguments for every request, all checked and encoded before any is sent.

    Raises BedrockParameterError for the first request that cannot be sent, naming it as source[index], or,
    when its problem is the very problem of the task's own options, naming only those.
    """
    from_task = _task_problem(task) if task is not None else None
    built = []
    for index, params in enumerate(requests):
        if not params.get("model_id"):
            raise BedrockParameterError(
                f"{source}[{index}] has no model_id, and the task sets none: set model_id on the task, or on every "
                "entry of requests"
            )
        try:
            built.append(build_invoke_request(params))
        except BedrockParameterError as e:
            if str(e) == from_task:
                raise
            raise BedrockParameterError(f"{source}[{index}] (model {params['model_id']!r}): {e}") from None
    return built


# How a failed call is described: (what the task was doing, the error, whether the call runs a model) -> message.
Describe = Callable[[str, BaseException, bool], str]


def build_failure_entry(model_id: str, error: Exception, describe: Describe = failure_message) -> Dict[str, Any]:
    """A failed request's entry of responses, with the keys a failed bedrock_invoke_model task has; describe says
    why the call failed (the module's failure_message(), which may name inference profiles)."""
    entry: Dict[str, Any] = {"failed": True, "model_id": model_id}
    if isinstance(error, BedrockReplyError):
        entry["msg"] = f"Failed to {invoke_action(model_id)}: {error}"
        return entry
    entry["msg"] = f"{describe(invoke_action(model_id), error, True)}: {error}"
    details = getattr(error, "response", None)
    if isinstance(details, Mapping):
        entry.update(camel_dict_to_snake_dict({k: v for k, v in details.items() if k in ("Error", "ResponseMetadata")}))
    return entry


class Outcome(NamedTuple):
    entry: Dict[str, Any]  # the request's entry of responses
    notes: List[str]  # what to warn about
    tries: int  # how many times it was sent


def invoke_one(
    client: Any, params: Mapping, request: Mapping, limiter: AdaptiveLimiter, describe: Describe = failure_message
) -> Outcome:
    """Send one request within the limiter and describe how it went (a failure as build_failure_entry() does)."""
    tries: List[int] = []

    def call() -> Tuple[Dict[str, Any], bytes]:
        response = client.invoke_model(**request)
        return response, response["body"].read()

    try:
        response, payload = send_within(limiter, call, tries)
        result, notes = build_invoke_result(params, response, payload)
    except (BotoCoreError, ClientError, BedrockReplyError) as e:
        return Outcome(build_failure_entry(params["model_id"], e, describe), [], len(tries))
    result.pop("changed")
    return Outcome(result, notes, len(tries))


def build_summary(responses: List[Mapping], tries: List[int], lowest_concurrency: int) -> Dict[str, Any]:
    """Counts over every request: how many succeeded, failed and were retried, and the tokens reported."""
    summary: Dict[str, Any] = {
        "requests": len(responses),
        "succeeded": sum(1 for entry in responses if not entry.get("failed")),
        "failed": sum(1 for entry in responses if entry.get("failed")),
        **retry_counts(tries),
        "lowest_concurrency": lowest_concurrency,
    }
    for metric in ("input_token_count", "output_token_count"):
        counts = [
            entry["invocation_metrics"][metric] for entry in responses if metric in entry.get("invocation_metrics", {})
        ]
        if counts:
            summary[metric] = sum(counts)
    return summary


def failure_summary(responses: List[Mapping], source: str) -> Optional[str]:
    """The task's message when requests failed, naming the first few as source[index] (None when none failed)."""
    failed = [(index, entry) for index, entry in enumerate(responses) if entry.get("failed")]
    if not failed:
        return None
    named = [
        f"{source}[{index}] (model {entry['model_id']!r}): {_reason(entry)}" for index, entry in failed[:FAILURES_NAMED]
    ]
    more = f"; and {len(failed) - FAILURES_NAMED} more" if len(failed) > FAILURES_NAMED else ""
    return f"{len(failed)} of {len(responses)} Bedrock requests failed: {'; '.join(named)}{more}"


def _reason(entry: Mapping) -> str:
    """A failed request's AWS error code, else its message without the model it names (the summary names it)."""
    code = entry.get("error", {}).get("code")
    if code:
        return code
    prefix = f"Failed to {invoke_action(entry['model_id'])}"
    msg = entry["msg"]
    start = len(prefix)
    return msg[start:].lstrip(": ") if msg.startswith(prefix) else msg


def invoke_models(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_invoke_models' work: check every request, then (unless in check mode) send them all.

    Raises BedrockParameterError, before anything is sent, when any request cannot be sent, and TaskFailure
    (with every answer) when any request failed.
    """
    task = module.params
    dest = task["responses_dest"]
    if dest:
        check_responses_dest(dest)
    check_max_concurrency(task["max_concurrency"])
    source = request_source(task)
    requests = expand_requests(task)
    built = build_invoke_requests(requests, source, task)
    require_boto3_for(module, *requests, gates=OPTION_GATES)
    concurrency = task["max_concurrency"]
    # One client for every request; its connection pool must hold as many connections as requests in flight.
    progress.action = "create the Bedrock client"
    client = retrying_bedrock_client(module, max_pool_connections=concurrency)
    if module.check_mode:
        responses = [build_invoke_result(params, None, b"")[0] for params in requests]
        for entry in responses:
            entry.pop("changed")
        return {"changed": bool(requests), "responses": responses}
    limiter = AdaptiveLimiter(concurrency)
    outcomes = run_concurrently(
        lambda index: invoke_one(client, requests[index], built[index], limiter, module.failure_message),
        len(requests),
        concurrency,
    )
    responses = [outcome.entry for outcome in outcomes]
    progress.warnings.extend(
        f"{source}[{index}] (model {requests[index]['model_id']!r}): {note}"
        for index, outcome in enumerate(outcomes)
        for note in outcome.notes
    )
    summary = build_summary(responses, [outcome.tries for outcome in outcomes], limiter.lowest)
    result = {"changed": bool(requests), "responses": responses, "summary": summary}
    if dest:
        write_responses_dest(dest, result.pop("responses"), result, progress)
    problem = failure_summary(responses, source)
    if problem:
        raise TaskFailure(problem, result)
    return result
