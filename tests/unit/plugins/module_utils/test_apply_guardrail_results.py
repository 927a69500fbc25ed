# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""bedrock_apply_guardrail's results: answers shaped for the task, findings named, cases judged and summed up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import apply_guardrail_results as ag
from ansible_collections.amazon.ai.tests.unit.plugins.module_utils.guardrail_answers import MASKED
from ansible_collections.amazon.ai.tests.unit.plugins.module_utils.guardrail_answers import NONE

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)
# Whatever JSON an answer might hold where an assessment should be.
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


def case(name="c", expect="none", **options):
    return dict(
        {"name": name, "text": "Hello", "content": None, "source": None, "expect": expect, "expect_output": None},
        **options,
    )


BLOCKED = {
    "action": "GUARDRAIL_INTERVENED",
    "actionReason": "Guardrail blocked.",
    "outputs": [{"text": "Sorry, I cannot help with that."}],
    "assessments": [
        {
            "topicPolicy": {"topics": [{"name": "Investments", "type": "DENY", "action": "BLOCKED", "detected": True}]},
            "contentPolicy": {
                "filters": [
                    {
                        "type": "VIOLENCE",
                        "confidence": "HIGH",
                        "filterStrength": "HIGH",
                        "action": "BLOCKED",
                        "detected": True,
                    },
                    {
                        "type": "HATE",
                        "confidence": "NONE",
                        "filterStrength": "HIGH",
                        "action": "NONE",
                        "detected": False,
                    },
                ]
            },
            "wordPolicy": {
                "customWords": [{"match": "acme", "action": "BLOCKED"}],
                "managedWordLists": [{"match": "damn", "type": "PROFANITY", "action": "BLOCKED", "detected": True}],
            },
            "sensitiveInformationPolicy": {
                "piiEntities": [{"match": "078-05-1120", "type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCKED"}],
                "regexes": [{"name": "ticket", "match": "TICKET-1", "regex": "TICKET-[0-9]+", "action": "ANONYMIZED"}],
            },
            "contextualGroundingPolicy": {
                "filters": [
                    {"type": "GROUNDING", "threshold": 0.5, "score": 0.2, "action": "BLOCKED", "detected": True}
                ]
            },
            "automatedReasoningPolicy": {"findings": [{"invalid": {}}, {"valid": {}}]},
        }
    ],
    "usage": {"topicPolicyUnits": 1},
}


def test_result_of_a_masked_text():
    result = ag.build_apply_result(dict(MASKED, ResponseMetadata={"RequestId": "r-1"}))
    usage = {
        "topic_policy_units": 0,
        "content_policy_units": 0,
        "word_policy_units": 0,
        "sensitive_information_policy_units": 1,
        "sensitive_information_policy_free_units": 0,
        "contextual_grounding_policy_units": 0,
    }
    assert result == {
        "changed": False,
        "action": "GUARDRAIL_INTERVENED",
        "intervened": True,
        "action_reason": "Guardrail masked.",
        "outputs": ["Write to {EMAIL}"],
        "assessments": [
            {
                "sensitive_information_policy": {
                    "pii_entities": [
                        {"match": "jane@example.com", "type": "EMAIL", "action": "ANONYMIZED", "detected": True}
                    ],
                    "regexes": [],
                },
                "invocation_metrics": {
                    "guardrail_processing_latency": 12,
                    "usage": usage,
                    "guardrail_coverage": {"text_characters": {"guarded": 25, "total": 25}},
                },
            }
        ],
        "usage": usage,
        "guardrail_coverage": {"text_characters": {"guarded": 25, "total": 25}},
    }


def test_result_without_intervention_or_newer_fields():
    result = ag.build_apply_result({"action": "NONE", "outputs": [], "assessments": [], "usage": {}})
    assert result == {
        "changed": False,
        "action": "NONE",
        "intervened": False,
        "outputs": [],
        "assessments": [],
        "usage": {},
    }


def test_findings_name_what_was_found_never_the_pii():
    found = ag.findings(BLOCKED["assessments"])
    assert found == [
        "topic 'Investments' BLOCKED",
        "content filter VIOLENCE (HIGH) BLOCKED",
        "word 'acme' BLOCKED",
        "PROFANITY word 'damn' BLOCKED",
        "US_SOCIAL_SECURITY_NUMBER BLOCKED",
        "regex 'ticket' ANONYMIZED",
        "GROUNDING score 0.2 below 0.5 BLOCKED",
        "automated reasoning finding invalid",
    ]
    assert not any("078-05-1120" in phrase or "TICKET-1" in phrase for phrase in found)
    assert ag.findings(MASKED["assessments"] * 2) == ["EMAIL ANONYMIZED"]


@pytest.mark.parametrize(
    "entry, response, why",
    [
        (case(expect="none"), NONE, None),
        (case(expect="intervened"), MASKED, None),
        (case(expect="intervened", expect_output="{EMAIL}"), MASKED, None),
        (case(expect="intervened", expect_output="Sorry"), BLOCKED, None),
        (
            case(expect="none"),
            MASKED,
            "expected no intervention, but the guardrail intervened: EMAIL ANONYMIZED",
        ),
        (
            case(expect="none"),
            {"action": "GUARDRAIL_INTERVENED"},
            "expected no intervention, but the guardrail intervened",
        ),
        (case(expect="intervened"), NONE, "expected an intervention, but the guardrail took none (action NONE)"),
        (
            case(expect="intervened", expect_output="{PHONE}"),
            MASKED,
            "expected the first output to hold '{PHONE}', but it is 'Write to {EMAIL}'",
        ),
        (
            case(expect="intervened", expect_output="{PHONE}"),
            {"action": "GUARDRAIL_INTERVENED", "outputs": []},
            "expected the first output to hold '{PHONE}', but there is no output",
        ),
        (
            case(expect="intervened", expect_output="x"),
            {"action": "GUARDRAIL_INTERVENED", "outputs": [{"text": "y" * 200}]},
            "expected the first output to hold 'x', but it is '" + "y" * 120 + "'...",
        ),
    ],
)
def test_judge_case(entry, response, why):
    assert ag.judge_case(entry, response) == why


def test_case_result_passed_and_failed():
    assert ag.build_case_result(case("a", expect="intervened"), "input", MASKED) == {
        "name": "a",
        "passed": True,
        "source": "input",
        "action": "GUARDRAIL_INTERVENED",
        "outputs": ["Write to {EMAIL}"],
    }
    failed = ag.build_case_result(case("b"), "output", BLOCKED)
    assert failed["passed"] is False and failed["why"].startswith("expected no intervention, but the guardrail")
    assert failed["outputs"] == ["Sorry, I cannot help with that."] and failed["source"] == "output"


def test_case_failure_keeps_the_error():
    error = {"code": "ThrottlingException", "message": "Too many requests"}
    assert ag.build_case_failure(case("a"), "input", "Failed to apply", error) == {
        "name": "a",
        "passed": False,
        "source": "input",
        "why": "Failed to apply",
        "error": error,
    }
    assert "error" not in ag.build_case_failure(case("a"), "input", "Failed to apply", None)


def test_summary_and_failure_message():
    results = [{"name": f"c{index}", "passed": index % 2 == 0, "why": f"because {index}"} for index in range(10)]
    assert ag.build_tests_summary(results, {"retried": 1, "retries": 2}, 4) == {
        "tests": 10,
        "passed": 5,
        "failed": 5,
        "retried": 1,
        "retries": 2,
        "lowest_concurrency": 4,
    }
    assert ag.tests_failure_message(results) == (
        "5 of 10 guardrail test cases failed: tests[1] ('c1'): because 1; tests[3] ('c3'): because 3; "
        "tests[5] ('c5'): because 5; and 2 more"
    )
    assert ag.tests_failure_message(results[:2]) == "1 of 2 guardrail test cases failed: tests[1] ('c1'): because 1"
    assert ag.tests_failure_message([{"name": "a", "passed": True}]) is None


@PROPERTY_SETTINGS
@given(assessments=st.lists(ANY_JSON, max_size=3), action=st.none() | st.sampled_from(("NONE", ag.INTERVENED, "X")))
def test_any_answer_is_judged_and_shaped_without_raising(assessments, action):
    response = {"action": action, "assessments": assessments, "outputs": [{"text": "x"}, {}, "junk"]}
    for expect, expect_output in (("none", None), ("intervened", None), ("intervened", "x")):
        why = ag.judge_case(case(expect=expect, expect_output=expect_output), response)
        assert why is None or isinstance(why, str)
    assert isinstance(ag.findings(assessments), list)


@PROPERTY_SETTINGS
@given(
    policy=st.sampled_from([p for p, m, dummy in ag.FINDINGS]),
    member=st.sampled_from([m for p, m, dummy in ag.FINDINGS]),
    entries=ANY_JSON,
)
def test_findings_of_any_policy_shape_are_phrases(policy, member, entries):
    found = ag.findings([{policy: {member: entries}}, {policy: entries}])
    assert all(isinstance(phrase, str) for phrase in found)
