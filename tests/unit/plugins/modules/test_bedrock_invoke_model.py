# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() run as Ansible runs it: arguments in, one JSON result out on stdout."""

from __future__ import annotations

import io

import boto3
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from botocore.response import StreamingBody

from ansible_collections.amazon.ai.plugins.module_utils import clients
from ansible_collections.amazon.ai.plugins.modules import bedrock_invoke_model
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import patch_module_args
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
SECRET = "unit-test-secret-do-not-print"
TOKEN = "unit-test-session-token-do-not-print"


def run_module(capsys, args, check_mode=False):
    return run_main(bedrock_invoke_model.main, capsys, args, check_mode)


def task(**overrides):
    args = dict(
        model_id=MODEL,
        body={"messages": [{"role": "user", "content": "hi"}]},
        region="us-east-1",
        access_key="AKIDUNIT",
        secret_key=SECRET,
        session_token=TOKEN,
    )
    args.update(overrides)
    return args


def ok_reply(payload=b'{"content": [{"type": "text", "text": "Hello"}], "stop_reason": "end_turn"}'):
    return {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": "application/json"}


def test_invocation_returns_the_reply_untouched(capsys, stubber):
    stubber.add_response(
        "invoke_model",
        ok_reply(),
        expected_params={
            "modelId": MODEL,
            "body": b'{"messages":[{"role":"user","content":"hi"}]}',
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0
    assert result["changed"] is True
    assert result["model_id"] == MODEL
    assert result["raw_response"] == {"content": [{"type": "text", "text": "Hello"}], "stop_reason": "end_turn"}
    assert result["raw_response_format"] == "json"
    assert stubber.built == ["bedrock-runtime"]


def test_options_reach_the_request(capsys, stubber):
    stubber.add_response(
        "invoke_model",
        ok_reply(b"once"),
        expected_params={
            "modelId": "us.meta.llama3-2-1b-instruct-v1:0",
            "body": b"Once upon a time",
            "contentType": "text/plain",
            "accept": "text/plain",
            "trace": "ENABLED_FULL",
            "guardrailIdentifier": "gr1",
            "guardrailVersion": "DRAFT",
            "performanceConfigLatency": "optimized",
            "serviceTier": "flex",
            "requestMetadata": '{"team":"ml","cost_center":"4711"}',
        },
    )
    result = run_module(
        capsys,
        task(
            model_id="us.meta.llama3-2-1b-instruct-v1:0",
            body="Once upon a time",
            content_type="text/plain",
            accept="text/plain",
            trace="ENABLED_FULL",
            guardrail_identifier="gr1",
            guardrail_version="DRAFT",
            performance_config_latency="optimized",
            service_tier="flex",
            request_metadata={"team": "ml", "cost_center": "4711"},
        ),
    )
    assert result["_exit_code"] == 0, result
    assert result["raw_response"] == "once"
    assert result["raw_response_format"] == "text"


def test_reply_details_are_returned(capsys, stubber):
    reply = ok_reply(b"{}")
    reply.update(
        serviceTier="priority",
        ResponseMetadata={
            "RequestId": "req-42",
            "HTTPHeaders": {
                "content-length": "2",
                "x-amzn-bedrock-input-token-count": "9",
                "x-amzn-bedrock-invocation-latency": "77",
            },
        },
    )
    stubber.add_response("invoke_model", reply)
    result = run_module(capsys, task(service_tier="priority"))
    assert result["_exit_code"] == 0, result
    assert result["request_id"] == "req-42"
    assert result["service_tier"] == "priority"
    assert result["response_content_type"] == "application/json"
    assert result["invocation_metrics"] == {"input_token_count": 9, "invocation_latency_ms": 77}
    assert "performance_config_latency" not in result


def test_throttled_then_ok(capsys, stubber):
    for _attempt in range(3):
        stubber.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)
    stubber.add_response("invoke_model", ok_reply(b'{"ok": true}'))
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["raw_response"] == {"ok": True}


def test_service_error_is_a_clean_failure(capsys, stubber, not_retried):
    code, status = not_retried
    stubber.add_client_error("invoke_model", service_error_code=code, service_message="nope", http_status_code=status)
    result = run_module(capsys, task())
    assert result["_exit_code"] == 1
    assert result["failed"] is True
    assert result["error"]["code"] == code
    assert MODEL in result["msg"] and code in result["msg"]
    assert "Traceback" not in result["msg"]
    assert result["response_metadata"]["http_status_code"] == status


@pytest.mark.parametrize(
    "overrides, fragments",
    [
        (dict(body=42), ["body", "content_type", "not int"]),
        (dict(body=None), ["body", "content_type"]),
        (dict(body="not json"), ["body", "content_type", "not valid JSON"]),
        (dict(body={"a": 1}, content_type="text/plain"), ["body", "content_type", "text/plain"]),
        (dict(guardrail_identifier="gr1", guardrail_version="latest"), ["guardrail_version"]),
        (dict(model_id=""), ["model_id"]),
        (dict(request_metadata={"cost_center": 4711}), ["request_metadata", "'cost_center'"]),
        (dict(request_metadata={"k": "v" * 9000}), ["request_metadata", "at most 8500"]),
    ],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_bad_input_fails_before_any_client(capsys, stubber, overrides, fragments, check_mode):
    result = run_module(capsys, task(**overrides), check_mode=check_mode)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(f"Invalid task for model {task(**overrides)['model_id']!r}, nothing was sent: ")
    for fragment in fragments:
        assert fragment in result["msg"]
    assert stubber.built == []


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        (dict(guardrail_identifier="gr1"), "required together: guardrail_identifier, guardrail_version"),
        (dict(guardrail_version="1"), "required together: guardrail_identifier, guardrail_version"),
        (dict(trace="FULL"), "trace"),
        (dict(performance_config_latency="fast"), "performance_config_latency"),
        (dict(body=None, model_id=None), "model_id"),
    ],
)
def test_argument_spec_refuses(capsys, stubber, overrides, fragment):
    args = {k: v for k, v in task(**overrides).items() if v is not None}
    result = run_module(capsys, args)
    assert result["_exit_code"] == 1
    assert fragment in result["msg"]
    assert stubber.built == []


def test_check_mode_builds_the_client_and_sends_nothing(capsys, stubber):
    # The Stubber has no reply queued: a call would fail the task.
    result = run_module(capsys, task(trace="ENABLED"), check_mode=True)
    assert result["_exit_code"] == 0
    assert result["changed"] is True
    assert result["model_id"] == MODEL
    assert result["raw_response"] == {}
    assert stubber.built == ["bedrock-runtime"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_task_that_cannot_reach_aws_fails_in_check_mode_too(capsys, monkeypatch, check_mode):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    args = {k: v for k, v in task().items() if k != "region"}
    result = run_module(capsys, args, check_mode=check_mode)
    assert result["_exit_code"] == 1
    assert "region" in result["msg"]
    assert "Traceback" not in result["msg"]


@pytest.mark.parametrize(
    "boto3_version, overrides, needed",
    [
        ("1.34.50", dict(trace="ENABLED"), "boto3>=1.34.90"),
        ("1.37.28", dict(trace="ENABLED_FULL"), "boto3>=1.37.29"),
        ("1.34.89", dict(guardrail_identifier="gr1", guardrail_version="1"), "boto3>=1.34.90"),
        ("1.35.72", dict(performance_config_latency="optimized"), "boto3>=1.35.73"),
        ("1.40.75", dict(service_tier="priority"), "boto3>=1.40.76"),
        ("1.41.4", dict(service_tier="reserved"), "boto3>=1.41.5"),
        # Older than either gate: the task names the version it really needs, not the first gate it meets.
        ("1.40.0", dict(service_tier="reserved"), "boto3>=1.41.5"),
        ("1.43.11", dict(request_metadata={"team": "ml"}), "boto3>=1.43.12"),
    ],
)
def test_old_boto3_fails_for_an_option_it_cannot_send(capsys, stubber, monkeypatch, boto3_version, overrides, needed):
    monkeypatch.setattr(boto3, "__version__", boto3_version)
    result = run_module(capsys, task(**overrides))
    assert result["_exit_code"] == 1
    assert needed in result["msg"]
    assert next(iter(overrides)) in result["msg"]
    assert stubber.built == []


def test_a_broken_character_is_replaced_and_warned_about(capsys, stubber):
    stubber.add_response("invoke_model", ok_reply(b'{"completion": "cut emoji \\ud83d", "stop_reason": "max_tokens"}'))
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["raw_response"] == {"completion": "cut emoji \ufffd", "stop_reason": "max_tokens"}
    output = result["_stdout"] + result["_stderr"]
    assert output.count(f"Bedrock model {MODEL!r}: the reply held 1") == 1 and "U+FFFD" in output
    # Nothing in the result needs more than strict UTF-8 on its way to the controller.
    result["_stdout"].encode("utf-8")
    assert "\\ud83d" not in result["_stdout"]


def test_a_reply_cut_short_fails_naming_the_model(capsys, stubber):
    reply = ok_reply(b"")
    reply["ResponseMetadata"] = {"HTTPHeaders": {"x-amzn-requestid": "r", "content-type: applic": ""}}
    stubber.add_response("invoke_model", reply)
    result = run_module(capsys, task())
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(f"Failed to invoke Bedrock model {MODEL!r}: the reply has no Content-Length")
    assert "raw_response" not in result


def test_old_boto3_is_fine_when_options_stay_at_their_defaults(capsys, stubber, monkeypatch):
    monkeypatch.setattr(boto3, "__version__", "1.34.0")
    stubber.add_response("invoke_model", ok_reply(b"{}"))
    result = run_module(capsys, task(trace="DISABLED", performance_config_latency="standard"))
    assert result["_exit_code"] == 0, result


def test_no_credential_in_any_result(capsys, stubber):
    stubber.add_client_error("invoke_model", service_error_code="AccessDeniedException", http_status_code=403)
    failed = run_module(capsys, task())
    stubber.add_response("invoke_model", ok_reply())
    succeeded = run_module(capsys, task())
    for result in (failed, succeeded):
        assert SECRET not in result["_stdout"]
        assert TOKEN not in result["_stdout"]


def test_connection_error_is_a_clean_failure(capsys):
    # A real client against a closed loopback port: botocore raises EndpointConnectionError.
    result = run_module(
        capsys,
        task(endpoint_url="http://127.0.0.1:9", aws_config={"retries": {"max_attempts": 1}}),
    )
    assert result["_exit_code"] == 1
    assert MODEL in result["msg"]
    assert "Could not connect to the endpoint URL" in result["msg"]
    assert "Traceback" not in result["msg"]


def test_a_read_timeout_says_the_request_was_not_repeated(capsys, stubber, monkeypatch):
    def time_out(client, request):
        raise botocore.exceptions.ReadTimeoutError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com")

    monkeypatch.setattr("ansible_collections.amazon.ai.plugins.module_utils.invoke_model.call_invoke_model", time_out)
    result = run_module(capsys, task())
    assert result["_exit_code"] == 1
    assert MODEL in result["msg"]
    assert "Read timeout on endpoint URL" in result["msg"]
    assert "not sent again" in result["msg"] and "read_timeout" in result["msg"]


@pytest.mark.parametrize(
    "aws_config, read_timeout, attempts",
    [
        (None, 3600, 1),
        ({"read_timeout": 30}, 30, 1),
        # botocore counts max_attempts as retries after the first request.
        ({"retries": {"mode": "standard", "max_attempts": 4}}, 3600, 5),
    ],
)
def test_aws_config_overrides_the_client_defaults(aws_config, read_timeout, attempts):
    # The real amazon.aws client construction: the module's config first, the task's aws_config over it.
    args = task(aws_config=aws_config) if aws_config else task()
    with patch_module_args(args):
        module = AnsibleAWSModule(argument_spec=dict(model_id=dict(), body=dict(type="raw")))
    client = clients.retrying_bedrock_client(module).client
    assert client.meta.config.read_timeout == read_timeout
    assert client.meta.config.retries["total_max_attempts"] == attempts
