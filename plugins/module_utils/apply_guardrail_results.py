# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""bedrock_apply_guardrail's results: ApplyGuardrail's answer as task data, and test cases judged against it.

Pure functions of what Bedrock answered: build_apply_result for one call, judge_case and build_case_result for a
case of tests (explaining a failure by what the guardrail found, named by policy and type, never by the matched
text), build_tests_summary and tests_failure_message over every case. apply_guardrail.py makes the calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

INTERVENED = "GUARDRAIL_INTERVENED"
# How many failed cases the task's message names (every case is in results).
FAILURES_NAMED = 3
# How much of an output a failed case's explanation quotes.
QUOTED_OUTPUT = 120


def case_label(index: int, case: Mapping) -> str:
    """How messages name a case: its place in tests and its name."""
    return f"tests[{index}] ({case.get('name')!r})"


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


def build_tests_summary(results: List[Mapping], retries: Mapping, lowest_concurrency: int) -> Dict[str, Any]:
    """Counts over the cases: how many there were, passed and failed, how many calls were tried again, and the
    fewest calls allowed in flight."""
    passed = sum(1 for entry in results if entry.get("passed"))
    summary = {"tests": len(results), "passed": passed, "failed": len(results) - passed, **retries}
    summary["lowest_concurrency"] = lowest_concurrency
    return summary


def tests_failure_message(results: List[Mapping]) -> Optional[str]:
    """The task's message when cases failed, naming the first few with why (None when every case passed)."""
    failed = [(index, entry) for index, entry in enumerate(results) if not entry.get("passed")]
    if not failed:
        return None
    named = [f"{case_label(index, entry)}: {entry.get('why')}" for index, entry in failed[:FAILURES_NAMED]]
    more = f"; and {len(failed) - FAILURES_NAMED} more" if len(failed) > FAILURES_NAMED else ""
    return f"{len(failed)} of {len(results)} guardrail test cases failed: {'; '.join(named)}{more}"
