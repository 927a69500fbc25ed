# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The behaviour of amazon.ai.bedrock_apply_guardrail: content checked against a guardrail with ApplyGuardrail.

One call checks the task's text or content. With tests, each case is one call, sent concurrently through the
collection's shared sending pool (sending.py), and judged against what the case expects. Every option and every
case is checked, and every file read, before anything is sent (check_apply_task, build_apply_request);
apply_guardrail_results.py shapes Bedrock's answers for the task and judges the cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail_results import build_apply_result
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail_results import build_case_failure
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail_results import build_case_result
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail_results import build_tests_summary
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail_results import case_label
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail_results import tests_failure_message
from ansible_collections.amazon.ai.plugins.module_utils.clients import failure_message
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_bedrock_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail_identifier
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail_version
from ansible_collections.amazon.ai.plugins.module_utils.media import decode_base64
from ansible_collections.amazon.ai.plugins.module_utils.media import file_format
from ansible_collections.amazon.ai.plugins.module_utils.media import read_file
from ansible_collections.amazon.ai.plugins.module_utils.sending import AdaptiveLimiter
from ansible_collections.amazon.ai.plugins.module_utils.sending import check_max_concurrency
from ansible_collections.amazon.ai.plugins.module_utils.sending import retry_counts
from ansible_collections.amazon.ai.plugins.module_utils.sending import run_concurrently
from ansible_collections.amazon.ai.plugins.module_utils.sending import send_within
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

SOURCES = ("input", "output")
OUTPUT_SCOPES = ("interventions", "full")
QUALIFIERS = ("grounding_source", "query", "guard_content")
EXPECTATIONS = ("intervened", "none")
IMAGE_FORMATS = ("png", "jpeg")
# Images a request may hold, and how large each may be (the Bedrock user guide's limits for guardrails on images:
# "4 MB", read as the larger 4 MiB so that nothing the service takes is refused).
MAX_IMAGES = 20
MAX_IMAGE_BYTES = 4 * 1024 * 1024
DEFAULT_CONCURRENCY = 8

# The first boto3 release with ApplyGuardrail (and text qualifiers), with image blocks, and with outputScope
# (found in botocore's bedrock-runtime service models, release by release).
APPLY_GUARDRAIL_BOTO3 = "1.34.143"
IMAGE_BLOCKS_BOTO3 = "1.35.75"
OUTPUT_SCOPE_BOTO3 = "1.37.29"


def _content_spec() -> Dict[str, Any]:
    image_source = dict(
        type="dict",
        required=True,
        options=dict(path=dict(type="path"), bytes=dict(type="str")),
        mutually_exclusive=[("path", "bytes")],
        required_one_of=[("path", "bytes")],
    )
    return dict(
        type="list",
        elements="dict",
        options=dict(
            text=dict(type="str"),
            qualifiers=dict(type="list", elements="str", choices=list(QUALIFIERS)),
            image=dict(
                type="dict",
                options=dict(format=dict(type="str", choices=list(IMAGE_FORMATS)), source=image_source),
            ),
        ),
        mutually_exclusive=[("text", "image")],
        required_one_of=[("text", "image")],
    )


def argument_spec() -> Dict[str, Any]:
    """bedrock_apply_guardrail's argument spec, for the module and for its action plugin on the controller."""
    return dict(
        guardrail_identifier=dict(type="str", required=True),
        guardrail_version=dict(type="str", required=True),
        source=dict(type="str", choices=list(SOURCES), default="input"),
        output_scope=dict(type="str", choices=list(OUTPUT_SCOPES)),
        text=dict(type="str"),
        content=_content_spec(),
        tests=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                text=dict(type="str"),
                content=_content_spec(),
                source=dict(type="str", choices=list(SOURCES)),
                expect=dict(type="str", choices=list(EXPECTATIONS), required=True),
                expect_output=dict(type="str"),
            ),
            mutually_exclusive=[("text", "content")],
            required_one_of=[("text", "content")],
        ),
        max_concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
    )


# The task's own mutual exclusions, beside the argument spec (AnsibleModule takes them separately).
MUTUALLY_EXCLUSIVE = [("text", "content", "tests")]
REQUIRED_ONE_OF = [("text", "content", "tests")]


def task_subject(params: Mapping) -> Optional[str]:
    """What the message of an invalid task names: the guardrail, when the task names one."""
    identifier = params.get("guardrail_identifier")
    return f"guardrail {identifier!r}" if isinstance(identifier, str) and identifier else None


def apply_action(params: Mapping) -> str:
    """What a call does, as "Failed to ..." says it."""
    return f"apply guardrail {params['guardrail_identifier']!r} version {params['guardrail_version']}"


# Checks -------------------------------------------------------------------------------------------------------------


def check_cases(cases: Any) -> None:
    """Refuse test cases that cannot be judged: no cases, a name used twice, an expectation that cannot hold.

    Names must be unique because results and the task's failure name each case by it: two cases of one name
    would make a failure impossible to trace back to its case (and usually mean one was copied and not renamed).
    """
    if not isinstance(cases, list) or not cases:
        raise BedrockParameterError(
            "tests must list at least one case: a release gated on no cases would pass without checking anything"
        )
    seen: Dict[str, int] = {}
    for index, case in enumerate(cases):
        label = case_label(index, case)
        name = case.get("name")
        if not isinstance(name, str) or not name.strip():
            raise BedrockParameterError(f"tests[{index}].name must be a name for the case, not {name!r}")
        if name in seen:
            raise BedrockParameterError(
                f"{label}: the name is also that of tests[{seen[name]}]; case names must be unique, as results "
                "and failures name cases by them"
            )
        seen[name] = index
        expected = case.get("expect_output")
        if expected is not None:
            if not expected:
                raise BedrockParameterError(f"{label}.expect_output must not be empty (every output holds '')")
            if case.get("expect") != "intervened":
                raise BedrockParameterError(
                    f"{label}.expect_output needs expect: intervened; Bedrock returns no output when it does not "
                    "intervene"
                )


def check_apply_task(params: Mapping) -> None:
    """Refuse, before anything is sent, the options ApplyGuardrail would refuse or a test could not judge."""
    check_guardrail_identifier(params.get("guardrail_identifier"))
    check_guardrail_version(params.get("guardrail_version"))
    given = [option for option in ("text", "content", "tests") if params.get(option) is not None]
    if len(given) != 1:
        shown = ", ".join(given) if given else "none of them"
        raise BedrockParameterError(f"set exactly one of text, content and tests; the task sets {shown}")
    check_max_concurrency(params.get("max_concurrency"))
    if params.get("tests") is not None:
        check_cases(params["tests"])


# Requests -----------------------------------------------------------------------------------------------------------


def _image_block(image: Any, where: str) -> Dict[str, Any]:
    """An image block to send: the file on the module's host read, or the base64 text decoded, exactly once."""
    if not isinstance(image, Mapping) or not isinstance(image.get("source"), Mapping):
        raise BedrockParameterError(f"{where} must be a mapping with source (path or bytes) and format")
    source = image["source"]
    if (source.get("path") is None) == (source.get("bytes") is None):
        raise BedrockParameterError(f"{where}.source must set exactly one of path and bytes")
    image_format = image.get("format")
    if source.get("path") is not None:
        data = read_file(source["path"], f"{where}.source.path", "image", MAX_IMAGE_BYTES)
        if image_format is None:
            image_format = file_format("image", source["path"], f"{where}.format")
    else:
        data = decode_base64(source["bytes"], f"{where}.source.bytes")
        if image_format is None:
            raise BedrockParameterError(f"{where}.format is required with source bytes ({' or '.join(IMAGE_FORMATS)})")
    if image_format not in IMAGE_FORMATS:
        raise BedrockParameterError(
            f"{where}.format: guardrails take {' and '.join(IMAGE_FORMATS)} images only, not {image_format}"
        )
    return {"image": {"format": image_format, "source": {"bytes": data}}}


def _text_block(text: Any, qualifiers: Any, where: str) -> Dict[str, Any]:
    if not isinstance(text, str) or not text:
        raise BedrockParameterError(f"{where} must be the text to check, not {'empty' if text == '' else repr(text)}")
    block: Dict[str, Any] = {"text": text}
    if qualifiers:
        unknown = [qualifier for qualifier in qualifiers if qualifier not in QUALIFIERS]
        if unknown:
            raise BedrockParameterError(f"{where}: qualifiers must be among {', '.join(QUALIFIERS)}, not {unknown}")
        block["qualifiers"] = list(qualifiers)
    return {"text": block}


def build_content(text: Optional[str], content: Optional[List[Mapping]], where: str) -> List[Dict[str, Any]]:
    """ApplyGuardrail's content for a text, or for content blocks (where names the option, as messages say it)."""
    if content is None:
        return [_text_block(text, None, f"{where}text")]
    option = f"{where}content"
    if not isinstance(content, list) or not content:
        raise BedrockParameterError(f"{option} must hold at least one block (text or image)")
    blocks = []
    for index, block in enumerate(content):
        inner = f"{option}[{index}]"
        if not isinstance(block, Mapping) or (block.get("text") is None) == (block.get("image") is None):
            raise BedrockParameterError(f"{inner} must set exactly one of text and image")
        if block.get("image") is not None:
            if block.get("qualifiers"):
                raise BedrockParameterError(f"{inner}.qualifiers apply to text only, not to an image")
            blocks.append(_image_block(block["image"], f"{inner}.image"))
        else:
            blocks.append(_text_block(block["text"], block.get("qualifiers"), f"{inner}.text"))
    images = sum(1 for block in blocks if "image" in block)
    if images > MAX_IMAGES:
        raise BedrockParameterError(f"{option} holds {images} images; a guardrail takes at most {MAX_IMAGES} a call")
    return blocks


def build_apply_request(params: Mapping, case: Optional[Mapping] = None, where: str = "") -> Dict[str, Any]:
    """ApplyGuardrail's arguments for the task's content, or for one case of tests (its source, else the task's)."""
    given = case if case is not None else params
    request: Dict[str, Any] = {
        "guardrailIdentifier": params["guardrail_identifier"],
        "guardrailVersion": params["guardrail_version"],
        "source": (given.get("source") or params.get("source") or "input").upper(),
        "content": build_content(given.get("text"), given.get("content"), where),
    }
    if params.get("output_scope"):
        request["outputScope"] = params["output_scope"].upper()
    return request


def build_case_requests(params: Mapping) -> List[Dict[str, Any]]:
    """ApplyGuardrail's arguments for every case of tests, in order, all checked and read before any is sent."""
    return [
        build_apply_request(params, case, f"{case_label(index, case)}.") for index, case in enumerate(params["tests"])
    ]


def boto3_needs(params: Mapping, requests: List[Mapping]) -> List[Tuple[str, str]]:
    """(boto3 version, reason) for ApplyGuardrail itself and for each feature the requests use."""
    needs = [(APPLY_GUARDRAIL_BOTO3, "to call ApplyGuardrail")]
    if any("image" in block for request in requests for block in request["content"]):
        needs.append((IMAGE_BLOCKS_BOTO3, "to send image blocks"))
    if params.get("output_scope"):
        needs.append((OUTPUT_SCOPE_BOTO3, "to use output_scope"))
    return needs


def _error_details(error: Exception) -> Optional[Dict[str, Any]]:
    """The code and message of an error the service reported, in snake_case (None for one it did not)."""
    response = getattr(error, "response", None)
    details = response.get("Error") if isinstance(response, Mapping) else None
    return camel_dict_to_snake_dict(details) if isinstance(details, Mapping) else None


# The work ---------------------------------------------------------------------------------------------------------


def run_case(client: Any, limiter: AdaptiveLimiter, action: str, case: Mapping, request: Mapping) -> Tuple[Any, int]:
    """One case's call within the limiter, retried while Bedrock is busy: (its entry of results, tries made)."""
    source = request["source"].lower()
    tries: List[int] = []
    try:
        response = send_within(limiter, lambda: client.apply_guardrail(**request), tries)
    except (BotoCoreError, ClientError) as e:
        message = f"{failure_message(action, e)}: {e}"
        return build_case_failure(case, source, message, _error_details(e)), len(tries)
    return build_case_result(case, source, response), len(tries)


def run_cases(client: Any, params: Mapping, requests: List[Mapping]) -> Dict[str, Any]:
    """Every case of tests, max_concurrency at a time; raises TaskFailure, with every result, when any failed."""
    cases, concurrency, action = params["tests"], params["max_concurrency"], apply_action(params)
    limiter = AdaptiveLimiter(concurrency)
    outcomes = run_concurrently(
        lambda index: run_case(client, limiter, action, cases[index], requests[index]), len(cases), concurrency
    )
    results = [entry for entry, dummy in outcomes]
    summary = build_tests_summary(results, retry_counts(tries for dummy, tries in outcomes), limiter.lowest)
    result = {"changed": False, "results": results, "summary": summary}
    problem = tests_failure_message(results)
    if problem:
        raise TaskFailure(problem, result)
    return result


def apply_guardrail(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_apply_guardrail's work: check the task, then (unless in check mode, as each call is billed) apply the
    guardrail to the task's content once, or to every case of tests.

    Raises BedrockParameterError before anything is sent, and TaskFailure (with every result) when a case failed.
    """
    params = module.params
    progress.subject = task_subject(params)
    check_apply_task(params)
    tests = params.get("tests")
    requests = build_case_requests(params) if tests is not None else [build_apply_request(params)]
    require_boto3_for(module, gates=[], needs=boto3_needs(params, requests))
    progress.action = "create the Bedrock client"
    if tests is None:
        client = retrying_bedrock_client(module)
        if module.check_mode:
            return {"changed": False}
        progress.action = apply_action(params)
        return build_apply_result(client.apply_guardrail(aws_retry=True, **requests[0]))
    # One client for every case; its connection pool must hold as many connections as calls in flight.
    client = retrying_bedrock_client(module, max_pool_connections=params["max_concurrency"])
    if module.check_mode:
        return {"changed": False, "results": [{"name": case["name"]} for case in tests]}
    return run_cases(client, params, requests)
