# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_apply_guardrail run as Ansible runs it, against botocore's Stubber (cases one at a time, so
that the stubbed answers are consumed in order)."""

from __future__ import annotations

import boto3
import pytest

from ansible_collections.amazon.ai.plugins.modules import bedrock_apply_guardrail
from ansible_collections.amazon.ai.tests.unit.plugins.module_utils.guardrail_answers import MASKED
from ansible_collections.amazon.ai.tests.unit.plugins.module_utils.guardrail_answers import NONE
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

SECRET = "unit-test-secret-do-not-print"
GUARDRAIL = "abc123def456"


def run_module(capsys, args, check_mode=False):
    return run_main(bedrock_apply_guardrail.main, capsys, args, check_mode)


def task(**overrides):
    args = dict(guardrail_identifier=GUARDRAIL, guardrail_version="DRAFT", region="us-east-1")
    args.update(access_key="AKIDUNIT", secret_key=SECRET, max_concurrency=1)
    args.update(overrides)
    return args


def expected(text, source="INPUT", **extra):
    return dict(
        guardrailIdentifier=GUARDRAIL,
        guardrailVersion="DRAFT",
        source=source,
        content=[{"text": {"text": text}}],
        **extra,
    )


def test_a_text_is_checked_and_the_answer_returned_in_snake_case(capsys, stubber):
    stubber.add_response("apply_guardrail", MASKED, expected("Write to jane@example.com", outputScope="FULL"))
    result = run_module(capsys, task(text="Write to jane@example.com", output_scope="full"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False and result["intervened"] is True
    assert result["outputs"] == ["Write to {EMAIL}"] and result["action_reason"] == "Guardrail masked."
    assert result["assessments"][0]["sensitive_information_policy"]["pii_entities"][0]["type"] == "EMAIL"
    assert result["usage"]["sensitive_information_policy_units"] == 1
    assert result["guardrail_coverage"] == {"text_characters": {"guarded": 25, "total": 25}}
    assert stubber.built == ["bedrock-runtime"]


def test_cases_are_judged_in_order_and_a_failed_one_fails_the_task(capsys, stubber):
    stubber.add_response("apply_guardrail", MASKED, expected("Write to jane@example.com"))
    stubber.add_response("apply_guardrail", NONE, expected("Hello", source="OUTPUT"))
    stubber.add_client_error(
        "apply_guardrail", "ResourceNotFoundException", "No such version.", 404, expected_params=expected("Hi")
    )
    cases = [
        {"name": "masks", "text": "Write to jane@example.com", "expect": "intervened", "expect_output": "{EMAIL}"},
        {"name": "wrongly expects a block", "text": "Hello", "source": "output", "expect": "intervened"},
        {"name": "missing", "text": "Hi", "expect": "none"},
    ]
    result = run_module(capsys, task(tests=cases))
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(
        "2 of 3 guardrail test cases failed: tests[1] ('wrongly expects a block'): expected an intervention, but the "
        "guardrail took none (action NONE); tests[2] ('missing'): Failed to apply guardrail 'abc123def456' version "
        "DRAFT: An error occurred (ResourceNotFoundException)"
    )
    assert [entry["passed"] for entry in result["results"]] == [True, False, False]
    assert result["results"][2]["error"] == {"code": "ResourceNotFoundException", "message": "No such version."}
    assert result["summary"] == {
        "tests": 3,
        "passed": 1,
        "failed": 2,
        "retried": 0,
        "retries": 0,
        "lowest_concurrency": 1,
    }
    assert result["changed"] is False
    # One client for every case, with room for as many connections as calls in flight.
    assert stubber.built == ["bedrock-runtime"]
    assert stubber.client_kwargs["config"]["max_pool_connections"] == 1


def test_a_busy_case_is_retried_within_the_limit(capsys, stubber):
    stubber.add_client_error("apply_guardrail", "ThrottlingException", "Slow down.", 429)
    stubber.add_response("apply_guardrail", NONE, expected("Hello"))
    result = run_module(capsys, task(tests=[{"name": "a", "text": "Hello", "expect": "none"}]))
    assert result["_exit_code"] == 0, result
    assert result["summary"]["retried"] == 1 and result["summary"]["retries"] == 1


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(text="Hi", guardrail_version="latest"), "guardrail_version must be a version number"),
        (dict(text="Hi", guardrail_identifier="My guardrail"), "guardrail_identifier 'My guardrail' is not"),
        (dict(tests=[]), "tests must list at least one case"),
        (dict(content=[{"image": {"source": {"path": "/nonexistent/a.png"}}}]), "content[0].image.source.path"),
        (dict(text="Hi", max_concurrency=0), "max_concurrency must be between 1 and 64"),
    ],
)
def test_invalid_tasks_send_nothing(capsys, stubber, overrides, message, check_mode):
    result = run_module(capsys, task(**overrides), check_mode)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Invalid task for guardrail ") and message in result["msg"]
    assert "nothing was sent" in result["msg"]
    assert stubber.built == []


def test_check_mode_builds_the_client_and_sends_nothing(capsys, stubber):
    # The Stubber has no answer queued: a call would fail the task.
    single = run_module(capsys, task(text="Hi"), check_mode=True)
    cases = run_module(capsys, task(tests=[{"name": "a", "text": "Hi", "expect": "none"}]), check_mode=True)
    assert single["_exit_code"] == 0 and cases["_exit_code"] == 0
    assert "action" not in single and single["changed"] is False
    assert cases["results"] == [{"name": "a"}] and "summary" not in cases
    assert stubber.built == ["bedrock-runtime", "bedrock-runtime"]


@pytest.mark.parametrize(
    "boto3_version, overrides, needed, reason",
    [
        ("1.34.142", dict(text="Hi"), "boto3>=1.34.143", "ApplyGuardrail"),
        (
            "1.35.74",
            dict(content=[{"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}]),
            "1.35.75",
            "image",
        ),
        ("1.37.28", dict(text="Hi", output_scope="interventions"), "boto3>=1.37.29", "output_scope"),
        ("1.34.0", dict(text="Hi", output_scope="full"), "boto3>=1.37.29", "output_scope"),
    ],
)
def test_old_boto3_fails_naming_the_version(capsys, stubber, monkeypatch, boto3_version, overrides, needed, reason):
    monkeypatch.setattr(boto3, "__version__", boto3_version)
    result = run_module(capsys, task(**overrides))
    assert result["_exit_code"] == 1
    assert needed in result["msg"] and reason in result["msg"]
    assert stubber.built == []


def test_no_credential_in_any_result(capsys, stubber):
    stubber.add_client_error("apply_guardrail", "AccessDeniedException", "Denied.", 403)
    failed = run_module(capsys, task(text="Hi"))
    stubber.add_response("apply_guardrail", NONE)
    succeeded = run_module(capsys, task(text="Hi"))
    assert failed["error"]["code"] == "AccessDeniedException" and succeeded["action"] == "NONE"
    for result in (failed, succeeded):
        assert SECRET not in result["_stdout"]
