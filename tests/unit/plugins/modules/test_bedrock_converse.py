# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""bedrock_converse's main() run as Ansible runs it, against botocore's Stubber (botocore validates every request)."""

from __future__ import annotations

import base64

import boto3
import botocore.exceptions
import pytest

from ansible_collections.amazon.ai.plugins.modules import bedrock_converse
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

MODEL = "amazon.nova-lite-v1:0"
SECRET = "unit-test-secret-do-not-print"
TOKEN = "unit-test-session-token-do-not-print"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff"


def run_module(capsys, args, check_mode=False):
    return run_main(bedrock_converse.main, capsys, args, check_mode)


def task(**overrides):
    args = dict(
        model_id=MODEL,
        prompt="Hi",
        region="us-east-1",
        access_key="AKIDUNIT",
        secret_key=SECRET,
        session_token=TOKEN,
    )
    args.update(overrides)
    return {key: value for key, value in args.items() if value is not None}


def ok_reply(content=None, **extra):
    reply = {
        "output": {"message": {"role": "assistant", "content": content or [{"text": "Hello"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 1, "totalTokens": 6},
        "metrics": {"latencyMs": 12},
    }
    reply.update(extra)
    return reply


def test_a_question_is_answered(capsys, stubber):
    stubber.add_response(
        "converse",
        ok_reply(),
        expected_params={"modelId": MODEL, "messages": [{"role": "user", "content": [{"text": "Hi"}]}]},
    )
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["text"] == "Hello"
    assert result["stop_reason"] == "end_turn"
    assert result["usage"] == {"input_tokens": 5, "output_tokens": 1, "total_tokens": 6}
    assert result["latency_ms"] == 12
    assert result["messages"] == [
        {"role": "user", "content": [{"text": "Hi"}]},
        {"role": "assistant", "content": [{"text": "Hello"}]},
    ]
    assert stubber.built == ["bedrock-runtime"]
    stubber.assert_no_pending_responses()


def test_options_reach_the_request(capsys, stubber, tmp_path):
    image = tmp_path / "shot.png"
    image.write_bytes(PNG)
    stubber.add_response(
        "converse",
        ok_reply([{"text": '{"ok": true}'}], serviceTier={"type": "flex"}, performanceConfig={"latency": "optimized"}),
        expected_params={
            "modelId": MODEL,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"image": {"format": "png", "source": {"bytes": PNG}}},
                        {
                            "document": {
                                "format": "md",
                                "name": "notes",
                                "source": {"s3Location": {"uri": "s3://bucket/notes.md"}},
                            }
                        },
                        {"text": "Hi"},
                    ],
                }
            ],
            "system": [{"text": "Be brief."}],
            "inferenceConfig": {"maxTokens": 10, "temperature": 0.5, "topP": 0.9, "stopSequences": ["END"]},
            "toolConfig": {
                "tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {"type": "object", "properties": {}}}}}],
                "toolChoice": {"tool": {"name": "t"}},
            },
            "outputConfig": {
                "textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": '{"type":"object"}'}}}
            },
            "guardrailConfig": {"guardrailIdentifier": "gr1", "guardrailVersion": "1", "trace": "enabled"},
            "additionalModelRequestFields": {"top_k": 5},
            "additionalModelResponseFieldPaths": ["/stop_sequence"],
            "requestMetadata": {"team": "ml"},
            "serviceTier": {"type": "flex"},
            "performanceConfig": {"latency": "optimized"},
        },
    )
    result = run_module(
        capsys,
        task(
            images=[str(image)],
            documents=["s3://bucket/notes.md"],
            system="Be brief.",
            max_tokens=10,
            temperature=0.5,
            top_p=0.9,
            stop_sequences=["END"],
            tools=[{"name": "t"}],
            tool_choice="t",
            output_schema={"type": "object"},
            guardrail_identifier="gr1",
            guardrail_version="1",
            guardrail_trace="enabled",
            additional_model_request_fields={"top_k": 5},
            additional_model_response_field_paths=["/stop_sequence"],
            request_metadata={"team": "ml"},
            service_tier="flex",
            performance_config_latency="optimized",
        ),
    )
    assert result["_exit_code"] == 0, result
    assert result["output_json"] == {"ok": True}
    assert result["service_tier"] == "flex"
    assert result["performance_config_latency"] == "optimized"
    assert result["messages"][0]["content"][0] == {"image": {"format": "png", "source": {"path": str(image)}}}


def test_base64_bytes_in_messages_are_sent_as_the_file(capsys, stubber):
    stubber.add_response(
        "converse",
        ok_reply(),
        expected_params={
            "modelId": MODEL,
            "messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": PNG}}}]}],
        },
    )
    encoded = base64.b64encode(PNG).decode()
    messages = [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": encoded}}}]}]
    result = run_module(capsys, task(prompt=None, messages=messages))
    assert result["_exit_code"] == 0, result
    assert result["messages"][0] == messages[0]


def test_binary_in_the_reply_is_returned_as_base64(capsys, stubber):
    stubber.add_response(
        "converse", ok_reply([{"reasoningContent": {"redactedContent": b"\x00\xffhidden"}}, {"text": "4"}])
    )
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    redacted = result["message"]["content"][0]["reasoningContent"]["redactedContent"]
    assert base64.b64decode(redacted) == b"\x00\xffhidden"
    assert result["raw_response"]["output"]["message"]["content"][0]["reasoningContent"]["redactedContent"] == redacted
    assert result["text"] == "4"


def test_throttled_then_ok(capsys, stubber):
    for _attempt in range(3):
        stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    stubber.add_response("converse", ok_reply())
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["text"] == "Hello"
    stubber.assert_no_pending_responses()


def test_service_error_is_a_clean_failure(capsys, stubber, not_retried):
    code, status = not_retried
    stubber.add_client_error("converse", service_error_code=code, service_message="nope", http_status_code=status)
    result = run_module(capsys, task())
    assert result["_exit_code"] == 1
    assert result["error"]["code"] == code
    assert MODEL in result["msg"] and code in result["msg"]
    assert result["response_metadata"]["http_status_code"] == status
    stubber.assert_no_pending_responses()  # Sent once: not retried.


@pytest.mark.parametrize(
    "overrides, fragments",
    [
        (dict(temperature=2.0), ["temperature must be between 0 and 1"]),
        (dict(max_tokens=0), ["max_tokens must be at least 1"]),
        (dict(prompt=None), ["one of prompt or messages is required"]),
        (dict(images=["diagram.svg"]), ["images[0]", ".svg"]),
        (dict(images=["/nonexistent/a.png"]), ["images[0]", "cannot read '/nonexistent/a.png'"]),
        (dict(tools=[{"name": "a"}], tool_choice="b"), ["tool_choice 'b'"]),
        (dict(prompt_variables={"a": "b"}), ["prompt_variables", "prompt's ARN"]),
        (dict(prompt=None, messages=[{"role": "bot", "content": [{"text": "x"}]}]), ["messages[0].role", "'bot'"]),
        (dict(prompt=None, messages=[{"role": "user", "content": [{}]}]), ["messages[0].content[0]", "exactly one"]),
        (
            dict(prompt=None, messages=[{"role": "assistant", "content": [{"text": "x"}]}]),
            ["messages[0].role", "must start with a user message"],
        ),
    ],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_bad_input_fails_before_any_client(capsys, stubber, overrides, fragments, check_mode):
    result = run_module(capsys, task(**overrides), check_mode=check_mode)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(f"Invalid task for model {MODEL!r}, nothing was sent: ")
    for fragment in fragments:
        assert fragment in result["msg"]
    assert stubber.built == []


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        (dict(messages=[{"role": "user", "content": [{"text": "x"}]}]), "mutually exclusive: prompt|messages"),
        (dict(guardrail_identifier="gr1"), "required together: guardrail_identifier, guardrail_version"),
        (dict(guardrail_trace="on"), "guardrail_trace"),
        (dict(service_tier="gold"), "service_tier"),
        (dict(tools=[{"description": "no name"}]), "name"),
    ],
)
def test_argument_spec_refuses(capsys, stubber, overrides, fragment):
    result = run_module(capsys, task(**overrides))
    assert result["_exit_code"] == 1
    assert fragment in result["msg"]
    assert stubber.built == []


def test_check_mode_sends_nothing_and_returns_the_shape(capsys, stubber):
    # The Stubber has no reply queued: a call would fail the task.
    result = run_module(capsys, task(system="s"), check_mode=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["text"] == "" and result["tool_uses"] == [] and result["raw_response"] == {}
    assert result["messages"] == [{"role": "user", "content": [{"text": "Hi"}]}]
    assert stubber.built == ["bedrock-runtime"]


@pytest.mark.parametrize(
    "boto3_version, overrides, needed, reason",
    [
        ("1.34.0", {}, "boto3>=1.34.116", "Converse"),
        ("1.34.115", {}, "boto3>=1.34.116", "Converse"),
        ("1.34.128", dict(guardrail_identifier="g", guardrail_version="1"), "boto3>=1.34.129", "guardrail_identifier"),
        (
            "1.35.55",
            dict(model_id="arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12AB", prompt=None),
            "boto3>=1.35.56",
            "prompt ARN",
        ),
        ("1.35.72", dict(performance_config_latency="optimized"), "boto3>=1.35.73", "performance_config_latency"),
        ("1.35.73", dict(request_metadata={"a": "b"}), "boto3>=1.35.74", "request_metadata"),
        ("1.37.23", dict(system=["s", {"cachePoint": {"type": "default"}}]), "boto3>=1.37.24", "cachePoint"),
        ("1.41.4", dict(service_tier="reserved"), "boto3>=1.41.5", "service_tier=reserved"),
        # Older than every gate the task meets: it names the highest version it needs.
        ("1.34.0", dict(output_schema={"type": "object"}, service_tier="flex"), "boto3>=1.42.42", "output_schema"),
    ],
)
def test_old_boto3_fails_naming_the_version(capsys, stubber, monkeypatch, boto3_version, overrides, needed, reason):
    monkeypatch.setattr(boto3, "__version__", boto3_version)
    result = run_module(capsys, task(**overrides))
    assert result["_exit_code"] == 1
    assert needed in result["msg"]
    assert reason in result["msg"]
    assert stubber.built == []


def test_no_credential_in_any_result(capsys, stubber):
    stubber.add_client_error("converse", service_error_code="AccessDeniedException", http_status_code=403)
    failed = run_module(capsys, task())
    stubber.add_response("converse", ok_reply())
    succeeded = run_module(capsys, task())
    for result in (failed, succeeded):
        assert SECRET not in result["_stdout"]
        assert TOKEN not in result["_stdout"]


def test_a_read_timeout_says_the_request_was_not_repeated(capsys, stubber, monkeypatch):
    def time_out(self, *args, **kwargs):
        raise botocore.exceptions.ReadTimeoutError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com")

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", time_out)
    result = run_module(capsys, task())
    assert result["_exit_code"] == 1
    assert MODEL in result["msg"]
    assert "not sent again" in result["msg"]


def test_a_surrogate_in_the_reply_is_replaced_and_warned_about(capsys, stubber):
    stubber.add_response("converse", ok_reply([{"text": "cut \ud83d"}]))
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["text"] == "cut \ufffd"
    output = result["_stdout"] + result["_stderr"]
    assert f"Bedrock model {MODEL!r}: the reply held 1" in output


def test_a_request_that_never_left_is_retried_then_reported(capsys, monkeypatch):
    # A real client against a closed loopback port: no connection, so nothing was sent, and it is tried again.
    slept = []
    monkeypatch.setattr("ansible_collections.amazon.ai.plugins.module_utils.backoff.time.sleep", slept.append)
    result = run_module(capsys, task(endpoint_url="http://127.0.0.1:9"))
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(
        f"Failed to invoke Bedrock model {MODEL!r} (could not connect to the endpoint in 12 tries"
    )
    assert "Could not connect to the endpoint URL" in result["msg"]
    assert len(slept) == 11
