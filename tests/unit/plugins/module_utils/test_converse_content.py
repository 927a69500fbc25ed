# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The conversation's content: blocks, files, document names and the turn rules (media.py reads and decodes)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import converse_content as content
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import to_the_controller

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
PNG_B64 = base64.b64encode(PNG).decode()


def user(*blocks):
    return {"role": "user", "content": list(blocks)}


def assistant(*blocks):
    return {"role": "assistant", "content": list(blocks)}


def tool_use(tool_use_id="t1", name="lookup"):
    return {"toolUse": {"toolUseId": tool_use_id, "name": name, "input": {"instanceId": "i-1"}}}


def tool_result(tool_use_id="t1", **extra):
    return {"toolResult": dict({"toolUseId": tool_use_id, "content": [{"text": "42"}]}, **extra)}


@pytest.mark.parametrize(
    "file_name, expected",
    [
        ("report.pdf", "report"),
        ("/tmp/q3_report.v2.pdf", "q3-report-v2"),
        ("s3://b/k/Annual Report (2025) [final].docx", "Annual Report (2025) [final]"),
        ("two   spaces.txt", "two spaces"),
        ("  padded  .md", "padded"),
        ("ümlaut café.pdf", "-mlaut caf-"),
        (".hidden", "-hidden"),
        ("....pdf", "-pdf"),
        ("___.pdf", "-"),
        ("x" * 300 + ".pdf", "x" * 200),
        (".pdf", "-pdf"),
        ("", "document"),
    ],
)
def test_document_name_is_what_bedrock_takes(file_name, expected):
    name = content.document_name(file_name)
    assert name == expected
    assert content.DOCUMENT_NAME_PATTERN.fullmatch(name)


def test_unique_names():
    assert content.unique_names(["a", "a", "b", "a"]) == ["a", "a (2)", "b", "a (3)"]
    long = "x" * 200
    assert content.unique_names([long, long])[1] == "x" * 196 + " (2)"


@PROPERTY_SETTINGS
@given(file_name=st.text(max_size=260))
def test_any_file_name_makes_a_valid_document_name(file_name):
    name = content.document_name(file_name)
    assert 1 <= len(name) <= content.MAX_DOCUMENT_NAME
    assert content.DOCUMENT_NAME_PATTERN.fullmatch(name)


def test_attachment_from_a_path_and_from_s3():
    assert content.attachment("image", "/x/a.PNG", "images[0]") == {
        "image": {"format": "png", "source": {"path": "/x/a.PNG"}}
    }
    assert content.attachment("document", "s3://bucket/k/r.v1.pdf", "documents[0]") == {
        "document": {"format": "pdf", "source": {"s3Location": {"uri": "s3://bucket/k/r.v1.pdf"}}, "name": "r-v1"}
    }


def test_build_messages_reads_and_decodes_once(tmp_path):
    png = tmp_path / "chart.png"
    png.write_bytes(PNG)
    pdf = tmp_path / "q3_report.pdf"
    pdf.write_bytes(b"%PDF-1.4 fake")
    given_messages = [
        user(
            {"image": {"format": "png", "source": {"bytes": PNG_B64}}},
            {"image": {"source": {"path": str(png)}}},
            {"document": {"source": {"path": str(pdf)}}},
            {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/v.mp4", "bucketOwner": "1"}}}},
            {"text": "Compare"},
        ),
        assistant({"reasoningContent": {"redactedContent": base64.b64encode(b"\x00\xff").decode()}}, {"text": "ok"}),
    ]
    sent, echoed = content.build_messages(given_messages)
    blocks = sent[0]["content"]
    assert blocks[0] == {"image": {"format": "png", "source": {"bytes": PNG}}}
    assert blocks[1] == {"image": {"format": "png", "source": {"bytes": PNG}}}
    assert blocks[2] == {"document": {"format": "pdf", "name": "q3-report", "source": {"bytes": b"%PDF-1.4 fake"}}}
    assert blocks[3]["video"]["source"] == {"s3Location": {"uri": "s3://bucket/v.mp4", "bucketOwner": "1"}}
    assert sent[1]["content"][0] == {"reasoningContent": {"redactedContent": b"\x00\xff"}}
    # What is returned is what was given, untouched, ready to be sent again.
    assert echoed == given_messages
    assert echoed is not given_messages


def test_tool_result_media_are_decoded_too():
    messages = [
        user({"text": "q"}),
        assistant(tool_use()),
        user(tool_result(content=[{"image": {"format": "png", "source": {"bytes": PNG_B64}}}, {"json": {"a": 1}}])),
    ]
    sent, dummy = content.build_messages(messages)
    assert sent[2]["content"][0]["toolResult"]["content"] == [
        {"image": {"format": "png", "source": {"bytes": PNG}}},
        {"json": {"a": 1}},
    ]


def test_guard_content_image_is_decoded():
    sent, dummy = content.build_messages(
        [user({"guardContent": {"image": {"format": "jpeg", "source": {"bytes": PNG_B64}}}}, {"text": "q"})]
    )
    assert sent[0]["content"][0]["guardContent"]["image"]["source"]["bytes"] == PNG


@pytest.mark.parametrize(
    "messages, fragment",
    [
        ("hi", "^messages: must be a list"),
        (["hi"], r"^messages\[0\]: must be a mapping with exactly the keys role and content"),
        ([{"role": "user"}], r"^messages\[0\]: must be a mapping with exactly the keys"),
        ([{"role": "user", "content": [], "x": 1}], r"^messages\[0\]: must be a mapping with exactly"),
        ([{"role": "human", "content": [{"text": "q"}]}], r"^messages\[0\]\.role: 'human' is not one of user"),
        ([user()], r"^messages\[0\]\.content: must be a non-empty list"),
        ([user({})], r"^messages\[0\]\.content\[0\]: must hold exactly one of text, .*; it holds none"),
        ([user({"text": "a", "image": {}})], r"^messages\[0\]\.content\[0\]: .*it holds text, image"),
        ([user({"txt": "a"})], r"^messages\[0\]\.content\[0\]: 'txt' is not one of text"),
        ([user("text")], r"^messages\[0\]\.content\[0\]: must be a mapping"),
        ([user({"text": ""})], r"^messages\[0\]\.content\[0\]\.text: must be a non-empty string"),
        ([user({"image": {"format": "bmp", "source": {"bytes": PNG_B64}}})], r"\.image\.format: 'bmp' is not one"),
        ([user({"image": {"source": {"bytes": PNG_B64}}})], r"\.image\.format: is required with source bytes"),
        ([user({"image": {"format": "png", "source": {}}})], r"\.image\.source: must hold exactly one of bytes"),
        ([user({"image": {"format": "png", "source": {"bytes": "@@"}}})], r"\.source\.bytes: is not valid base64"),
        ([user({"image": {"source": {"path": "/nonexistent/x.png"}}})], r"\.source\.path: cannot read '/nonexistent"),
        (
            [user({"image": {"source": {"s3Location": {"uri": "http://x/y.png"}}}})],
            r"\.s3Location\.uri must be an S3 URI such as s3://bucket/key, not 'http://x/y.png'",
        ),
        (
            [user({"image": {"source": {"s3Location": {"uri": "s3://bucket/y.tiff"}}}})],
            r"\.format: 's3://bucket/y.tiff' has",
        ),
        ([user({"image": "a.png"})], r"\.image: an image block must be a mapping"),
        (
            [user({"document": {"format": "txt", "source": {"bytes": "aGk="}}}, {"text": "q"})],
            r"\.document\.name: is required unless",
        ),
        (
            [user({"document": {"format": "pdf", "name": "report.pdf", "source": {"bytes": "aGk="}}}, {"text": "q"})],
            r"\.document\.name: 'report\.pdf' is not a name Bedrock takes",
        ),
        (
            [user({"document": {"format": "pdf", "name": "report", "source": {"bytes": "aGk="}}})],
            r"^messages\[0\]: a message with a document must also hold a text block",
        ),
        ([assistant({"text": "hello"})], r"^messages\[0\]\.role: a conversation must start with a user message"),
        (
            [user({"text": "a"}), user({"text": "b"})],
            r"^messages\[1\]\.role: user and assistant messages must alternate",
        ),
        (
            [user({"text": "a"}), assistant({"image": {"format": "png", "source": {"bytes": "aGk="}}})],
            r"^messages\[1\]: images and documents are only allowed in user messages",
        ),
        ([user({"text": "a"}), assistant(tool_use()), user({"text": "b"})], r"^messages\[2\]: must answer .*'t1'"),
        ([user({"text": "a"}), assistant({"text": "b"}), user(tool_result())], r"^messages\[2\]: toolResult for 't1'"),
        ([user({"text": "a"}), assistant(tool_use()), user(tool_result("t2"))], r"toolResult for 't2', which"),
        (
            [user({"text": "a"}), assistant(tool_use()), user(tool_result(status="failed"))],
            r"\.toolResult\.status: 'failed' is not success or error",
        ),
        (
            [
                user({"text": "a"}),
                assistant(tool_use()),
                user({"toolResult": {"toolUseId": "t1", "content": [], "status": "error"}}),
            ],
            r"\.toolResult\.content: must not be empty when status is error",
        ),
        (
            [user({"text": "a"}), assistant(tool_use()), user(tool_result(content=[{"xml": "<a/>"}]))],
            r"\.toolResult\.content\[0\]: 'xml' is not one of json",
        ),
        ([user({"toolUse": {"name": "x"}})], r"\.toolUse: must be a mapping with toolUseId, name and input"),
        ([user({"reasoningContent": {"redactedContent": "%%"}})], r"\.reasoningContent\.redactedContent: is not valid"),
        ([user({"guardContent": {"image": {"format": "gif", "source": {"bytes": "aGk="}}}})], r"must be png or jpeg"),
        (
            [user(*[{"image": {"format": "png", "source": {"bytes": "aGk="}}}] * 21, {"text": "q"})],
            r"^messages\[0\]: holds 21 images; Bedrock takes at most 20",
        ),
    ],
)
def test_build_messages_refuses(messages, fragment):
    with pytest.raises(BedrockParameterError, match=fragment):
        content.build_messages(messages)


def test_a_lone_image_needs_no_text_block():
    sent, dummy = content.build_messages([user({"image": {"format": "png", "source": {"bytes": "aGk="}}})])
    assert sent[0]["content"][0]["image"]["source"]["bytes"] == b"hi"


def test_a_system_message_may_come_first():
    sent, dummy = content.build_messages([{"role": "system", "content": [{"text": "s"}]}, user({"text": "a"})])
    assert [message["role"] for message in sent] == ["system", "user"]


def test_an_unreadable_file_is_named(tmp_path):
    with pytest.raises(BedrockParameterError, match=r"cannot read .*: Is a directory"):
        content.build_messages([user({"image": {"format": "png", "source": {"path": str(tmp_path)}}})])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(BedrockParameterError, match=r"empty\.png' is empty"):
        content.build_messages([user({"image": {"source": {"path": str(empty)}}})])


def test_a_file_too_large_for_bedrock_is_refused(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (content.MAX_BYTES["image"] + 1))
    with pytest.raises(BedrockParameterError, match="larger than the 3932160 bytes Bedrock takes for an image"):
        content.build_messages([user({"image": {"source": {"path": str(big)}}})])


@pytest.mark.parametrize(
    "system, expected",
    [
        ("Be brief.", [{"text": "Be brief."}]),
        (["One.", "Two."], [{"text": "One."}, {"text": "Two."}]),
        (
            ["Long context", {"cachePoint": {"type": "default"}}],
            [{"text": "Long context"}, {"cachePoint": {"type": "default"}}],
        ),
    ],
)
def test_build_system(system, expected):
    assert content.build_system(system) == expected


@pytest.mark.parametrize(
    "system, fragment",
    [
        ("", r"^system: must be a non-empty string"),
        (["a", ""], r"^system\[1\]: must be a non-empty string"),
        (42, r"^system: must be a string or a list of strings"),
        ([{"image": {}}], r"^system\[0\]: 'image' is not one of text, guardContent, cachePoint"),
    ],
)
def test_build_system_refuses(system, fragment):
    with pytest.raises(BedrockParameterError, match=fragment):
        content.build_system(system)


def test_block_keys_finds_nested_and_s3_blocks():
    messages, dummy = content.build_messages(
        [
            user(
                {"image": {"source": {"s3Location": {"uri": "s3://bucket/a.png"}}}}, {"cachePoint": {"type": "default"}}
            ),
            assistant(tool_use()),
            user(tool_result(content=[{"document": {"format": "txt", "name": "n", "source": {"bytes": "aGk="}}}])),
        ]
    )
    assert content.block_keys(messages, [{"cachePoint": {"type": "default"}}]) == {
        "image",
        "s3:image",
        "cachePoint",
        "toolUse",
        "toolResult",
        "document",
    }


binaries = st.binary(max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | binaries,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@PROPERTY_SETTINGS
@given(value=json_values)
def test_json_safe_survives_the_trip_to_the_controller(value):
    safe = content.json_safe(value)
    dummy, decoded = to_the_controller({"raw_response": safe})
    assert decoded["raw_response"] == safe


def test_json_safe_keeps_keys_and_encodes_bytes():
    reply = {"instanceId": b"\x00\xff", "nested": [{"camelCase": bytearray(b"ab")}]}
    assert content.json_safe(reply) == {"instanceId": "AP8=", "nested": [{"camelCase": "YWI="}]}


block_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from([PNG_B64, "s3://bucket/a.png"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(
        st.sampled_from(list(content.BLOCK_KEYS) + ["format", "source", "bytes", "path", "name", "toolUseId", "x"]),
        inner,
        max_size=3,
    ),
    max_leaves=12,
)
messages_strategy = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", "bot"]), "content": st.lists(block_values, max_size=3)}
    )
    | block_values,
    max_size=4,
)


@PROPERTY_SETTINGS
@given(messages=messages_strategy)
def test_any_conversation_is_prepared_or_refused_naming_messages(messages):
    try:
        sent, echoed = content.build_messages(messages)
    except BedrockParameterError as e:
        assert str(e).startswith("messages")
    else:
        assert echoed == messages
        assert len(sent) == len(messages)
