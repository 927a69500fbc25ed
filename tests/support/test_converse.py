# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake endpoint's Converse API, driven through a real boto3 ``bedrock-runtime`` client."""

from __future__ import annotations

import base64
import json
from typing import Any

import botocore.exceptions
import pytest

from . import bedrock_endpoint as be
from .fake_bedrock import converse
from .helpers import make_client
from .helpers import raw_request
from .helpers import recorded
from .helpers import reset
from .helpers import unique

NOVA = "amazon.nova-lite-v1:0"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff"
TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": "free_space",
                "inputSchema": {
                    "json": {
                        "type": "object",
                        "properties": {"mount": {"type": "string", "default": "/"}, "instanceId": {"type": "string"}},
                    }
                },
            }
        },
        {"toolSpec": {"name": "uptime", "inputSchema": {"json": {"type": "object"}}}},
    ]
}


def user(*blocks: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def ask(client: Any, model_id: str = NOVA, text: str = "Hello there", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("messages", [user({"text": text})])
    return client.converse(modelId=model_id, **kwargs)


def refused(client: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ask(client, **kwargs)
    return info.value.response


def test_a_question_is_answered_in_the_real_shape(server: be.BedrockServer) -> None:
    reply = ask(make_client(server.url), text="What is Ansible?")
    assert reply["output"]["message"] == {"role": "assistant", "content": [{"text": "Echo: What is Ansible?"}]}
    assert reply["stopReason"] == "end_turn"
    assert reply["usage"]["totalTokens"] == reply["usage"]["inputTokens"] + reply["usage"]["outputTokens"]
    assert reply["metrics"]["latencyMs"] == 100 + 10 * reply["usage"]["outputTokens"]
    assert reply["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize(
    "model_id",
    [
        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
        "meta.llama3-2-1b-instruct-v1:0",
        "mistral.mistral-large-2407-v1:0",
        "test.converse",
    ],
)
def test_chat_families_answer(server: be.BedrockServer, model_id: str) -> None:
    assert ask(make_client(server.url), model_id)["stopReason"] == "end_turn"


@pytest.mark.parametrize(
    "model_id, message",
    [
        ("amazon.titan-embed-text-v2:0", converse.NO_CONVERSE_MESSAGE),
        ("stability.sd3-large-v1:0", converse.NO_CONVERSE_MESSAGE),
        ("nosuch.model", "The provided model identifier is invalid."),
    ],
)
def test_other_models_refuse_converse(server: be.BedrockServer, model_id: str, message: str) -> None:
    error = refused(make_client(server.url), model_id=model_id)
    assert error["Error"] == {"Code": "ValidationException", "Message": message}


def test_image_bytes_arrive_once_encoded(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    model_id = unique("test.converse")
    image = {"image": {"format": "png", "source": {"bytes": PNG}}}
    reply = ask(client, model_id, messages=[user(image, {"text": "What is this?"})])
    assert reply["output"]["message"]["content"][0]["text"] == "Echo: What is this? (with 1 attachment(s): image)"
    [request] = [r for r in recorded(server) if r["model_id"] == model_id]
    assert request["operation"] == "Converse"
    assert request["path"] == f"/model/{model_id}/converse"
    body = json.loads(base64.b64decode(request["body_b64"]))
    assert base64.b64decode(body["messages"][0]["content"][0]["image"]["source"]["bytes"]) == PNG


def test_max_tokens_and_stop_sequences(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    reply = ask(client, text="one two three four", inferenceConfig={"maxTokens": 2})
    assert reply["stopReason"] == "max_tokens"
    assert reply["output"]["message"]["content"] == [{"text": "Echo: one"}]
    reply = ask(client, text="one two STOP three", inferenceConfig={"stopSequences": ["STOP"]})
    assert reply["stopReason"] == "stop_sequence"
    assert reply["output"]["message"]["content"] == [{"text": "Echo: one two "}]


def test_a_tool_use_loop(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    first = ask(client, text="How much space? Use free_space.", toolConfig=TOOLS)
    assert first["stopReason"] == "tool_use"
    content = first["output"]["message"]["content"]
    tool_use = content[1]["toolUse"]
    assert content[0] == {"text": "I will use free_space."}
    assert tool_use["name"] == "free_space"
    assert tool_use["input"] == {"mount": "/", "instanceId": "example"}  # Keys as the schema names them.
    messages = [
        user({"text": "How much space? Use free_space."}),
        first["output"]["message"],
        user({"toolResult": {"toolUseId": tool_use["toolUseId"], "content": [{"json": {"free": 5}}]}}),
    ]
    second = ask(client, messages=messages, toolConfig=TOOLS)
    assert second["stopReason"] == "end_turn"
    assert second["output"]["message"]["content"] == [{"text": 'Tool results: [{"json":{"free":5}}]'}]


@pytest.mark.parametrize(
    "choice, name",
    [({"any": {}}, "free_space"), ({"tool": {"name": "uptime"}}, "uptime")],
)
def test_tool_choice_makes_the_model_ask(server: be.BedrockServer, choice: dict[str, Any], name: str) -> None:
    reply = ask(make_client(server.url), text="Hi", toolConfig=dict(TOOLS, toolChoice=choice))
    assert reply["output"]["message"]["content"][1]["toolUse"]["name"] == name


def test_structured_output_fills_the_schema(server: be.BedrockServer) -> None:
    schema = {
        "type": "object",
        "properties": {
            "category": {"type": "string", "enum": ["bug", "feature"]},
            "urgent": {"type": "boolean"},
            "n": {"type": "integer"},
        },
    }
    output = {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": json.dumps(schema)}}}}
    reply = ask(make_client(server.url), outputConfig=output)
    assert json.loads(reply["output"]["message"]["content"][0]["text"]) == {"category": "bug", "urgent": True, "n": 1}


def test_reasoning_comes_with_redacted_bytes(server: be.BedrockServer) -> None:
    reply = ask(
        make_client(server.url), additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 1024}}
    )
    content = reply["output"]["message"]["content"]
    assert content[0] == {
        "reasoningContent": {"reasoningText": {"text": "Let me think.", "signature": "fake-signature"}}
    }
    assert content[1] == {"reasoningContent": {"redactedContent": converse.REDACTED}}  # botocore decodes the blob.
    assert content[2] == {"text": "Echo: Hello there"}


def test_cache_points_write_then_read(fresh_server: be.BedrockServer) -> None:
    client = make_client(fresh_server.url)
    system = [{"text": "A long and stable system prompt."}, {"cachePoint": {"type": "default"}}]
    first = ask(client, system=system)["usage"]
    second = ask(client, system=system)["usage"]
    assert first["cacheWriteInputTokens"] > 0 and first["cacheReadInputTokens"] == 0
    assert second["cacheReadInputTokens"] == first["cacheWriteInputTokens"] and second["cacheWriteInputTokens"] == 0
    assert second["totalTokens"] == second["inputTokens"] + second["outputTokens"] + second["cacheReadInputTokens"]
    reset(fresh_server)
    assert ask(client, system=system)["usage"]["cacheWriteInputTokens"] > 0


@pytest.mark.parametrize("trace", ["enabled", "enabled_full", "disabled", None])
def test_a_guardrail_intervenes(server: be.BedrockServer, trace: str | None) -> None:
    guardrail = {"guardrailIdentifier": "gr1", "guardrailVersion": "DRAFT"}
    if trace:
        guardrail["trace"] = trace
    reply = ask(make_client(server.url), text="Tell me something forbidden", guardrailConfig=guardrail)
    assert reply["stopReason"] == "guardrail_intervened"
    assert reply["output"]["message"]["content"] == [{"text": converse.GUARDRAIL_BLOCK_MESSAGE}]
    if trace in ("enabled", "enabled_full"):
        assessment = reply["trace"]["guardrail"]["inputAssessment"]["gr1"]
        assert assessment["topicPolicy"]["topics"][0]["action"] == "BLOCKED"
    else:
        assert "trace" not in reply
    allowed = ask(make_client(server.url), text="Something fine", guardrailConfig=dict(guardrail, trace="enabled"))
    assert allowed["stopReason"] == "end_turn" and "actionReason" not in allowed["trace"]["guardrail"]


def test_reported_options_and_response_fields(server: be.BedrockServer) -> None:
    reply = ask(
        make_client(server.url),
        text="a b END c",
        inferenceConfig={"stopSequences": ["END"]},
        serviceTier={"type": "flex"},
        performanceConfig={"latency": "optimized"},
        additionalModelResponseFieldPaths=["/stop_sequence", "/echo/camelCaseKey", "/missing"],
    )
    assert reply["serviceTier"] == {"type": "flex"}
    assert reply["performanceConfig"] == {"latency": "optimized"}
    assert reply["additionalModelResponseFields"] == {"stop_sequence": "END", "echo": {"camelCaseKey": "kept"}}


def test_a_prompt_arn_takes_variables(server: be.BedrockServer) -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12AB:2"
    reply = make_client(server.url).converse(modelId=arn, promptVariables={"product": {"text": "Ansible"}})
    assert reply["output"]["message"]["content"] == [{"text": "Prompt with product=Ansible"}]
    error = refused(make_client(server.url), model_id=arn, system=[{"text": "s"}])
    assert "system cannot be set when the model is a prompt resource" in error["Error"]["Message"]


def test_the_fault_ids_of_invoke_model_apply(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    model_id = unique("test.throttle-2")
    assert [refused(client, model_id=model_id)["Error"]["Code"] for dummy in range(2)] == ["ThrottlingException"] * 2
    assert ask(client, model_id)["stopReason"] == "end_turn"
    assert refused(client, model_id=unique("test.denied"))["Error"]["Code"] == "AccessDeniedException"
    error = refused(client, model_id=unique("test.modelerror"))
    assert error["Error"]["Code"] == "ModelErrorException" and error["originalStatusCode"] == 500


def test_a_surrogate_reply_travels_as_an_escape(server: be.BedrockServer) -> None:
    body = json.dumps({"messages": [user({"text": "hi"})]}).encode()
    status, dummy, reply = raw_request(server, "POST", "/model/test.surrogate/converse", body)
    assert status == 200
    assert b"\\ud83d" in reply
    assert json.loads(reply)["output"]["message"]["content"][0]["text"].endswith("\ud83d")


TOOL_USE = {"toolUse": {"toolUseId": "t1", "name": "free_space", "input": {}}}
TOOL_RESULT = {"toolResult": {"toolUseId": "t1", "content": [{"text": "5"}]}}


@pytest.mark.parametrize(
    "request_kwargs, fragment",
    [
        ({"inferenceConfig": {"temperature": 1.5}}, "Value '1.5' at 'inferenceConfig.temperature' failed"),
        (
            {"inferenceConfig": {"topP": 1.2}},
            "at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value less than or equal to 1",
        ),
        ({"inferenceConfig": {"stopSequences": ["x"] * 2501}}, "less than or equal to 2500"),
        (
            {"messages": [{"role": "bot", "content": [{"text": "x"}]}]},
            "at 'messages.0.role' failed to satisfy constraint: Member must satisfy enum",
        ),
        (
            {"messages": [{"role": "assistant", "content": [{"text": "x"}]}]},
            "A conversation must start with a user message",
        ),
        ({"messages": [user({"text": "a"}), user({"text": "b"})]}, "must alternate between user and assistant"),
        ({"messages": [user({"text": ""})]}, "at 'messages.0.content.0.text'"),
        (
            {"messages": [user({"image": {"format": "bmp", "source": {"bytes": b"x"}}})]},
            "'bmp' at 'messages.0.content.0.image.format'",
        ),
        (
            {"messages": [user({"image": {"format": "png", "source": {"s3Location": {"uri": "http://x"}}}})]},
            "s3Location.uri",
        ),
        (
            {
                "messages": [
                    user(
                        {"document": {"format": "pdf", "name": "report.pdf", "source": {"bytes": b"%PDF"}}},
                        {"text": "q"},
                    )
                ]
            },
            "messages.0.content.0.document.name contains invalid characters",
        ),
        (
            {"messages": [user({"document": {"format": "pdf", "name": "report", "source": {"bytes": b"%PDF"}}})]},
            "requires a text content block",
        ),
        (
            {
                "messages": [
                    user({"text": "a"}),
                    {"role": "assistant", "content": [{"image": {"format": "png", "source": {"bytes": b"x"}}}]},
                ]
            },
            "only supported in the user role",
        ),
        ({"messages": [user(*[{"image": {"format": "png", "source": {"bytes": b"x"}}}] * 21)]}, "too many images: 21"),
        ({"messages": [user(TOOL_USE)]}, "toolConfig field must be defined"),
        (
            {
                "messages": [user({"text": "a"}), {"role": "assistant", "content": [TOOL_USE]}, user({"text": "b"})],
                "toolConfig": TOOLS,
            },
            "Expected toolResult blocks at messages.2.content for the following Ids: t1",
        ),
        (
            {
                "messages": [
                    user({"text": "a"}),
                    {"role": "assistant", "content": [TOOL_USE]},
                    user(TOOL_RESULT, TOOL_RESULT),
                ],
                "toolConfig": TOOLS,
            },
            "exceeds the number of toolUse blocks",
        ),
        (
            {
                "messages": [
                    user({"text": "a"}),
                    {"role": "assistant", "content": [TOOL_USE]},
                    user(TOOL_RESULT, {"text": "and"}),
                ],
                "toolConfig": TOOLS,
            },
            "cannot be provided in the same turn",
        ),
        (
            {
                "messages": [
                    user({"text": "a"}),
                    {"role": "assistant", "content": [TOOL_USE]},
                    user({"toolResult": {"toolUseId": "t1", "content": [], "status": "error"}}),
                ],
                "toolConfig": TOOLS,
            },
            "cannot be empty when the status value is error",
        ),
        (
            {"toolConfig": dict(TOOLS, toolChoice={"tool": {"name": "nope"}})},
            "The tool nope in toolChoice is not in toolConfig.tools",
        ),
        ({"toolConfig": {"tools": [TOOLS["tools"][0]] * 2}}, "The tool name free_space is duplicated"),
        (
            {"toolConfig": {"tools": [{"toolSpec": {"name": "has space", "inputSchema": {"json": {}}}}]}},
            "toolSpec.name",
        ),
        (
            {"guardrailConfig": {"guardrailIdentifier": "gr1", "guardrailVersion": "latest"}},
            "guardrailConfig.guardrailVersion",
        ),
        (
            {"guardrailConfig": {"guardrailIdentifier": "GR 1", "guardrailVersion": "1"}},
            "guardrailConfig.guardrailIdentifier",
        ),
        (
            {"guardrailConfig": {"guardrailIdentifier": "g", "guardrailVersion": "1", "trace": "on"}},
            "guardrailConfig.trace",
        ),
        ({"additionalModelResponseFieldPaths": ["stop_sequence"]}, "is not a valid JSON Pointer"),
        ({"additionalModelResponseFieldPaths": ["/a"] * 11}, "less than or equal to 10"),
        ({"promptVariables": {"a": {"text": "b"}}}, "promptVariables can only be used with a prompt resource"),
        ({"requestMetadata": {"team": "a;b"}}, "at 'requestMetadata' failed"),
        ({"requestMetadata": {str(n): "v" for n in range(17)}}, "between 1 and 16"),
        ({"serviceTier": {"type": "gold"}}, "serviceTier.type"),
        ({"performanceConfig": {"latency": "fast"}}, "performanceConfig.latency"),
        ({"system": [{"cachePoint": {"type": "eternal"}}]}, "system.0.cachePoint.type"),
        (
            {
                "outputConfig": {
                    "textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "not json"}}}
                }
            },
            "must be a JSON Schema object",
        ),
    ],
)
def test_the_service_rules_botocore_leaves_out(
    server: be.BedrockServer, request_kwargs: dict[str, Any], fragment: str
) -> None:
    error = refused(make_client(server.url), **request_kwargs)
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fragment in error["Error"]["Message"]


@pytest.mark.parametrize(
    "body, code, fragment",
    [
        (b"not json", "SerializationException", "not valid JSON"),
        (b"[]", "ValidationException", "must be a JSON object"),
        (
            b'{"messages": [{"role": "user", "content": [{"text": "a", "image": {}}]}]}',
            "ValidationException",
            "exactly one member",
        ),
        (
            b'{"messages": [{"role": "user", "content": [{}]}]}',
            "ValidationException",
            "exactly one member set, found 0",
        ),
        (
            b'{"messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": "@@"}}}]}]}',
            "ValidationException",
            "base64",
        ),
        (b'{"messages": []}', "ValidationException", "must start with a user message"),
        (b"{}", "ValidationException", "messages field is required"),
        (b'{"messages": [], "bogus": 1}', "ValidationException", "Unknown request members: bogus"),
    ],
)
def test_what_botocore_would_not_send_is_refused_too(
    server: be.BedrockServer, body: bytes, code: str, fragment: str
) -> None:
    status, headers, reply = raw_request(
        server, "POST", f"/model/{NOVA}/converse", body, {"Content-Type": "application/json"}
    )
    assert status == 400
    assert headers["x-amzn-ErrorType"] == code
    assert fragment in json.loads(reply)["message"]


@pytest.mark.parametrize(
    "schema, expected",
    [
        ({"type": "string"}, "example"),
        ({"type": ["null", "integer"]}, 1),
        ({"type": "array", "items": {"type": "number"}}, [1.5]),
        ({"properties": {"a": {"default": 7}}}, {"a": 7}),
        ({"enum": ["x", "y"]}, "x"),
        ("not a schema", None),
    ],
)
def test_example_fills_a_schema(schema: Any, expected: Any) -> None:
    assert converse.example(schema) == expected


def test_converse_is_signed_like_every_api(signed_server: be.BedrockServer) -> None:
    key = "AKIDAMAZONAITEST"
    client = make_client(signed_server.url, key=key, secret=be.TEST_CREDENTIALS[key])
    model_id = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{NOVA}"
    assert ask(client, model_id)["stopReason"] == "end_turn"
    error = refused(make_client(signed_server.url, key=key, secret="wrong"))
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
