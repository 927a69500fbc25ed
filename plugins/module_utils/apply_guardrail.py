# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The behaviour of amazon.ai.bedrock_apply_guardrail: content checked against a guardrail with ApplyGuardrail.

One call checks the task's text or content. With tests, each case is one call, sent concurrently through the
collection's shared sending pool (sending.py), and judged against what the case expects. Every option and every
case is checked, and every file read, before anything is sent (check_apply_task, build_apply_request);
build_apply_result and build_case_result shape Bedrock's answer for the task.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.ai.plugins.module_utils.bedrock import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import decode_base64
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import file_format
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import read_file

SOURCES = ("input", "output")
OUTPUT_SCOPES = ("interventions", "full")
QUALIFIERS = ("grounding_source", "query", "guard_content")
EXPECTATIONS = ("intervened", "none")
IMAGE_FORMATS = ("png", "jpeg")
INTERVENED = "GUARDRAIL_INTERVENED"
# GuardrailIdentifier (botocore's bedrock-runtime model): a guardrail id, or its ARN.
GUARDRAIL_IDENTIFIER_PATTERN = re.compile(
    r"[a-z0-9]+|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+"
)
MAX_GUARDRAIL_IDENTIFIER_LENGTH = 2048
# The API's version numbers are 1 to 8 digits; DRAFT is the working copy.
GUARDRAIL_VERSION_PATTERN = re.compile(r"[1-9][0-9]{0,7}|DRAFT")
# Images a request may hold (the Bedrock user guide's limits for guardrails on images).
MAX_IMAGES = 20
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
# How many failed cases the task's message names (every case is in results).
FAILURES_NAMED = 3
# How much of an output a failed case's explanation quotes.
QUOTED_OUTPUT = 120

# The first boto3 release with ApplyGuardrail (and text qualifiers), with image blocks, and with outputScope
# (found in botocore's bedrock-runtime service models, release by release).
APPLY_GUARDRAIL_BOTO3 = "1.34.143"
IMAGE_BLOCKS_BOTO3 = "1.35.75"
OUTPUT_SCOPE_BOTO3 = "1.37.29"


def _content_spec() -> Dict[str, Any]:
    image_source = dict(
        type="dict",
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


# Checks -------------------------------------------------------------------------------------------------------------


def check_guardrail_identifier(identifier: Any) -> None:
    """Refuse a guardrail_identifier that is not a guardrail id or ARN."""
    if not isinstance(identifier, str) or not identifier:
        raise BedrockParameterError("guardrail_identifier must be a guardrail id or ARN, not empty")
    if len(identifier) > MAX_GUARDRAIL_IDENTIFIER_LENGTH:
        raise BedrockParameterError(
            f"guardrail_identifier is {len(identifier)} characters long; the API takes at most "
            f"{MAX_GUARDRAIL_IDENTIFIER_LENGTH}"
        )
    if not GUARDRAIL_IDENTIFIER_PATTERN.fullmatch(identifier):
        raise BedrockParameterError(
            f"guardrail_identifier {identifier!r} is not a guardrail id (lower-case letters and digits, such as "
            "bedrock_guardrail's guardrail_id) or a guardrail ARN (arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID)"
        )


def check_guardrail_version(version: Any) -> None:
    """Refuse a guardrail_version that is neither a version number nor DRAFT."""
    if not isinstance(version, str) or not GUARDRAIL_VERSION_PATTERN.fullmatch(version):
        raise BedrockParameterError(f"guardrail_version must be DRAFT or a version number (1, 2, ...), not {version!r}")


def check_max_concurrency(value: Any) -> None:
    """Refuse a max_concurrency that is not a whole number of calls from 1 to MAX_CONCURRENCY."""
    # ansible-core's int type lets a boolean through, and true would quietly mean 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BedrockParameterError(f"max_concurrency must be a whole number of calls, not {value!r}")
    if not 1 <= value <= MAX_CONCURRENCY:
        raise BedrockParameterError(
            f"max_concurrency must be between 1 and {MAX_CONCURRENCY} calls in flight at once, not {value}"
        )


def case_label(index: int, case: Mapping) -> str:
    """How messages name a case: its place in tests and its name."""
    return f"tests[{index}] ({case.get('name')!r})"


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
        data = read_file(source["path"], f"{where}.source.path", "image")
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


# Results ------------------------------------------------------------------------------------------------------------


def _snake(value: Any) -> Dict[str, Any]:
    return camel_dict_to_snake_dict(value) if isinstance(value, Mapping) else {}


def output_texts(response: Mapping) -> List[Optional[str]]:
    """The texts of Bedrock's outputs, in order (the masked texts, or the blocked message)."""
    return [output.get("text") for output in response.get("outputs") or [] if isinstance(output, Mapping)]


def build_apply_result(response: Mapping) -> Dict[str, Any]:
    """The task's result for one ApplyGuardrail answer: its fields in snake_case, the outputs as texts."""
    result: Dict[str, Any] = {
        "changed": False,
        "action": response.get("action"),
        "intervened": response.get("action") == INTERVENED,
        "outputs": output_texts(response),
        "assessments": [_snake(assessment) for assessment in response.get("assessments") or []],
        "usage": _snake(response.get("usage")),
    }
    if response.get("actionReason") is not None:
        result["action_reason"] = response["actionReason"]
    if response.get("guardrailCoverage") is not None:
        result["guardrail_coverage"] = _snake(response["guardrailCoverage"])
    return result


def _detected(entry: Mapping) -> bool:
    # Older answers carry no `detected`: an entry acted on was detected.
    if entry.get("detected") is not None:
        return bool(entry["detected"])
    return entry.get("action") not in (None, "NONE")


def _entries(assessment: Mapping, policy: str, member: str) -> List[Mapping]:
    """The entries of one list of one policy of an assessment that were detected (whatever else the answer holds)."""
    value = assessment.get(policy)
    items = value.get(member) if isinstance(value, Mapping) else None
    return [item for item in items if isinstance(item, Mapping) and _detected(item)] if isinstance(items, list) else []


# How each kind of entry an assessment lists is named: (policy, list, phrase for an entry).
FINDINGS = (
    ("topicPolicy", "topics", lambda e: f"topic {e.get('name')!r} {e.get('action')}"),
    ("contentPolicy", "filters", lambda e: f"content filter {e.get('type')} ({e.get('confidence')}) {e.get('action')}"),
    ("wordPolicy", "customWords", lambda e: f"word {e.get('match')!r} {e.get('action')}"),
    ("wordPolicy", "managedWordLists", lambda e: f"{e.get('type')} word {e.get('match')!r} {e.get('action')}"),
    # Matched PII is named by its type only: a task's messages go to logs, where the data a guardrail masks must not.
    ("sensitiveInformationPolicy", "piiEntities", lambda e: f"{e.get('type')} {e.get('action')}"),
    ("sensitiveInformationPolicy", "regexes", lambda e: f"regex {e.get('name')!r} {e.get('action')}"),
    (
        "contextualGroundingPolicy",
        "filters",
        lambda e: f"{e.get('type')} score {e.get('score')} below {e.get('threshold')} {e.get('action')}",
    ),
)


def findings(assessments: Any) -> List[str]:
    """What Bedrock found in the content, one short phrase each and each once, for a failed case's explanation."""
    found: List[str] = []
    for assessment in assessments if isinstance(assessments, list) else []:
        if not isinstance(assessment, Mapping):
            continue
        for policy, member, phrase in FINDINGS:
            found.extend(phrase(entry) for entry in _entries(assessment, policy, member))
        reasoning = assessment.get("automatedReasoningPolicy")
        reasoning_findings = reasoning.get("findings") if isinstance(reasoning, Mapping) else None
        for finding in reasoning_findings if isinstance(reasoning_findings, list) else []:
            if isinstance(finding, Mapping):
                found.extend(f"automated reasoning finding {kind}" for kind in finding if kind != "valid")
    return list(dict.fromkeys(found))


def _quoted(text: Optional[str]) -> str:
    if text is None:
        return "no text"
    return repr(text) if len(text) <= QUOTED_OUTPUT else repr(text[:QUOTED_OUTPUT]) + "..."


def judge_case(case: Mapping, response: Mapping) -> Optional[str]:
    """Why a case failed against Bedrock's answer, or None when it passed."""
    intervened = response.get("action") == INTERVENED
    if case["expect"] == "none" and intervened:
        found = findings(response.get("assessments"))
        detail = f": {', '.join(found)}" if found else ""
        return f"expected no intervention, but the guardrail intervened{detail}"
    if case["expect"] == "intervened" and not intervened:
        return f"expected an intervention, but the guardrail took none (action {response.get('action')})"
    expected = case.get("expect_output")
    if expected is not None:
        outputs = output_texts(response)
        if not outputs:
            return f"expected the first output to hold {expected!r}, but there is no output"
        if outputs[0] is None or expected not in outputs[0]:
            return f"expected the first output to hold {expected!r}, but it is {_quoted(outputs[0])}"
    return None


def build_case_result(case: Mapping, source: str, response: Mapping) -> Dict[str, Any]:
    """A case's entry of results for Bedrock's answer: whether it passed, what Bedrock did, and why it failed."""
    why = judge_case(case, response)
    entry: Dict[str, Any] = {
        "name": case["name"],
        "passed": why is None,
        "source": source,
        "action": response.get("action"),
        "outputs": output_texts(response),
    }
    if why is not None:
        entry["why"] = why
    return entry


def build_case_failure(case: Mapping, source: str, message: str, error: Optional[Mapping]) -> Dict[str, Any]:
    """A case's entry of results when its call failed: it did not pass, and why says what went wrong."""
    entry: Dict[str, Any] = {"name": case["name"], "passed": False, "source": source, "why": message}
    if error:
        entry["error"] = dict(error)
    return entry


def build_tests_summary(results: List[Mapping], retries: Mapping) -> Dict[str, Any]:
    """Counts over the cases: how many there were, passed and failed, and how many calls were tried again."""
    passed = sum(1 for entry in results if entry.get("passed"))
    return {"tests": len(results), "passed": passed, "failed": len(results) - passed, **retries}


def tests_failure_message(results: List[Mapping]) -> Optional[str]:
    """The task's message when cases failed, naming the first few with why (None when every case passed)."""
    failed = [(index, entry) for index, entry in enumerate(results) if not entry.get("passed")]
    if not failed:
        return None
    named = [f"{case_label(index, entry)}: {entry.get('why')}" for index, entry in failed[:FAILURES_NAMED]]
    more = f"; and {len(failed) - FAILURES_NAMED} more" if len(failed) > FAILURES_NAMED else ""
    return f"{len(failed)} of {len(results)} guardrail test cases failed: {'; '.join(named)}{more}"
