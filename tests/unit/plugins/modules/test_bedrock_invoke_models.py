# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_invoke_models run as Ansible runs it, against botocore's Stubber (one request at a time,
so that the stubbed replies are consumed in order)."""

from __future__ import annotations

import io
import json

import pytest
from botocore.response import StreamingBody

from ansible_collections.amazon.ai.plugins.modules import bedrock_invoke_models
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

SECRET = "unit-test-secret-do-not-print"


def run_module(capsys, args, check_mode=False):
    return run_main(bedrock_invoke_models.main, capsys, args, check_mode)


def task(**overrides):
    args = dict(model_id="amazon.titan-text-express-v1", region="us-east-1", access_key="AKIDUNIT", secret_key=SECRET)
    args["max_concurrency"] = 1
    args.update(overrides)
    return args


def ok_reply(payload):
    body = json.dumps(payload).encode()
    return {
        "body": StreamingBody(io.BytesIO(body), len(body)),
        "contentType": "application/json",
        "ResponseMetadata": {"HTTPHeaders": {"content-length": str(len(body))}},
    }


def test_every_body_is_sent_with_the_task_options_and_answered_in_order(capsys, stubber):
    for index in range(3):
        stubber.add_response(
            "invoke_model",
            ok_reply({"n": index}),
            expected_params={
                "modelId": "amazon.titan-text-express-v1",
                "body": json.dumps({"inputText": str(index)}, separators=(",", ":")).encode(),
                "contentType": "application/json",
                "accept": "application/json",
                "trace": "ENABLED",
            },
        )
    result = run_module(capsys, task(bodies=[{"inputText": str(index)} for index in range(3)], trace="ENABLED"))
    assert result["_exit_code"] == 0, result
    assert [entry["raw_response"] for entry in result["responses"]] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert result["summary"]["succeeded"] == 3 and result["changed"] is True
    # One client, with room for as many connections as requests in flight.
    assert stubber.built == ["bedrock-runtime"]
    assert stubber.client_kwargs["config"]["max_pool_connections"] == 1
    assert SECRET not in result["_stdout"]


def test_a_request_overrides_the_task_options(capsys, stubber):
    stubber.add_response(
        "invoke_model",
        ok_reply({}),
        expected_params={"modelId": "m.one", "body": b"hi", "contentType": "text/plain", "accept": "application/json"},
    )
    stubber.add_response(
        "invoke_model",
        ok_reply({}),
        expected_params={
            "modelId": "amazon.titan-text-express-v1",
            "body": b"{}",
            "contentType": "application/json",
            "accept": "application/json",
            "serviceTier": "flex",
        },
    )
    requests = [{"model_id": "m.one", "body": "hi", "content_type": "text/plain"}, {"body": {}, "service_tier": "flex"}]
    result = run_module(capsys, task(requests=requests))
    assert result["_exit_code"] == 0, result
    assert [entry["model_id"] for entry in result["responses"]] == ["m.one", "amazon.titan-text-express-v1"]


def test_failures_fail_the_task_and_keep_every_answer(capsys, stubber):
    stubber.add_response("invoke_model", ok_reply({"ok": 1}))
    stubber.add_client_error("invoke_model", service_error_code="AccessDeniedException", http_status_code=403)
    result = run_module(capsys, task(bodies=[{}, {}]))
    assert result["_exit_code"] == 1
    assert (
        result["msg"]
        == "1 of 2 Bedrock requests failed: bodies[1] (model 'amazon.titan-text-express-v1'): AccessDeniedException"
    )
    assert result["responses"][0]["raw_response"] == {"ok": 1}
    assert result["responses"][1]["error"]["code"] == "AccessDeniedException"
    assert result["summary"]["failed"] == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            dict(bodies=[{}, 3]),
            "Invalid task, nothing was sent: bodies[1] (model 'amazon.titan-text-express-v1'): body",
        ),
        (dict(model_id=None, requests=[{"body": {}, "model_id": "a.b"}, {"body": {}}]), "requests[1] has no model_id"),
        (
            dict(requests=[{"body": {}, "guardrail_identifier": "gr-\u00e9", "guardrail_version": "1"}]),
            "guardrail_identifier",
        ),
        (dict(bodies=[{}], max_concurrency=65), "max_concurrency must be between 1 and 64"),
        (dict(bodies=[{}], requests=[{"body": {}}]), "mutually exclusive: bodies|requests"),
        (dict(), "one of the following is required: bodies, requests"),
    ],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_invalid_requests_send_nothing(capsys, stubber, overrides, message, check_mode):
    result = run_module(capsys, task(**overrides), check_mode=check_mode)
    assert result["_exit_code"] == 1
    assert message in result["msg"]
    assert "Traceback" not in result["msg"]


def test_check_mode_builds_the_client_and_sends_nothing(capsys, stubber):
    result = run_module(capsys, task(bodies=[{}, "[]"], model_id="a.b"), check_mode=True)
    assert result["_exit_code"] == 0, result
    assert result["responses"] == [{"model_id": "a.b", "raw_response": {}}, {"model_id": "a.b", "raw_response": {}}]
    assert result["changed"] is True
    assert stubber.built == ["bedrock-runtime"]


def test_an_empty_list_sends_nothing_and_changes_nothing(capsys, stubber):
    result = run_module(capsys, task(bodies=[]))
    assert result["_exit_code"] == 0, result
    assert (result["changed"], result["responses"], result["summary"]["requests"]) == (False, [], 0)


def test_a_broken_character_is_replaced_and_warned_about(capsys, stubber):
    body = b'{"completion": "cut \\ud83d"}'
    stubber.add_response(
        "invoke_model",
        {
            "body": StreamingBody(io.BytesIO(body), len(body)),
            "contentType": "application/json",
            "ResponseMetadata": {"HTTPHeaders": {"content-length": str(len(body))}},
        },
    )
    result = run_module(capsys, task(bodies=[{}]))
    assert result["_exit_code"] == 0, result
    assert result["responses"][0]["raw_response"] == {"completion": "cut \ufffd"}
    output = result["_stdout"] + result["_stderr"]
    assert output.count("bodies[0] (model 'amazon.titan-text-express-v1'): the reply held 1") == 1


def test_responses_dest_holds_the_entries_responses_would_hold(capsys, stubber, tmp_path):
    dest = tmp_path / "answers.jsonl"
    stubber.add_response("invoke_model", ok_reply({"n": 0}))
    stubber.add_client_error("invoke_model", service_error_code="AccessDeniedException", http_status_code=403)
    stubber.add_response("invoke_model", ok_reply({"n": 0}))
    stubber.add_client_error("invoke_model", service_error_code="AccessDeniedException", http_status_code=403)
    returned = run_module(capsys, task(bodies=[{"a": 0}, {"a": 1}]))
    written = run_module(capsys, task(bodies=[{"a": 0}, {"a": 1}], responses_dest=str(dest)))
    # The task fails as it would without the file, naming the failed request, but returns only summary and path.
    assert written["_exit_code"] == returned["_exit_code"] == 1
    assert written["msg"] == returned["msg"]
    assert "responses" not in written and written["responses_dest"] == str(dest)
    assert written["summary"]["failed"] == 1
    lines = [json.loads(line) for line in dest.read_text(encoding="utf-8").splitlines()]
    assert lines == returned["responses"]


def test_responses_dest_in_a_missing_folder_fails_with_nothing_sent(capsys, stubber, tmp_path):
    result = run_module(capsys, task(bodies=[{}], responses_dest=str(tmp_path / "no" / "a.jsonl")))
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Invalid task, nothing was sent: responses_dest")
    stubber.assert_no_pending_responses()


def test_responses_dest_is_not_written_in_check_mode(capsys, stubber, tmp_path):
    dest = tmp_path / "answers.jsonl"
    result = run_module(capsys, task(bodies=[{}], responses_dest=str(dest)), check_mode=True)
    assert result["_exit_code"] == 0 and len(result["responses"]) == 1
    assert not dest.exists()


def test_each_request_refused_on_demand_names_the_profiles_from_one_listing(capsys, aws_stubbers):
    sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0"
    refusal = (
        f"Invocation of model ID {sonnet} with on-demand throughput isn't supported. Retry your request with the ID "
        "or ARN of an inference profile that contains this model."
    )
    runtime, control = aws_stubbers["bedrock-runtime"], aws_stubbers["bedrock"]
    runtime.add_client_error("invoke_model", "ValidationException", refusal, 400)
    runtime.add_response("invoke_model", ok_reply({"ok": 1}))
    runtime.add_client_error("invoke_model", "ValidationException", refusal, 400)
    control.add_response(
        "list_inference_profiles",
        {
            "inferenceProfileSummaries": [
                {
                    "inferenceProfileName": "US Claude Sonnet 4.5",
                    "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{sonnet}",
                    "models": [{"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{sonnet}"}],
                    "inferenceProfileId": f"us.{sonnet}",
                    "status": "ACTIVE",
                    "type": "SYSTEM_DEFINED",
                }
            ]
        },
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    result = run_module(capsys, task(model_id=sonnet, bodies=[{}, {}, {}]))
    runtime.assert_no_pending_responses()
    control.assert_no_pending_responses()  # one listing: a second would have found nothing queued
    assert result["_exit_code"] == 1 and result["summary"]["failed"] == 2
    hint = f"Failed to invoke Bedrock model '{sonnet}' (system-defined inference profiles that carry {sonnet}: us.{sonnet})"
    assert result["responses"][0]["msg"].startswith(hint + ": An error occurred (ValidationException)")
    assert result["responses"][2]["msg"] == result["responses"][0]["msg"]
    assert result["responses"][1]["raw_response"] == {"ok": 1}
