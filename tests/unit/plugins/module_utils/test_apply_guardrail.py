# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""bedrock_apply_guardrail's checks, requests (validated against botocore's model), results and judging of cases."""

from __future__ import annotations

import base64

import botocore.session
import pytest
from botocore.validate import validate_parameters
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import apply_guardrail as ag
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
PNG_B64 = base64.b64encode(PNG).decode()
ARN = "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456"
APPLY_INPUT = botocore.session.get_session().get_service_model("bedrock-runtime").operation_model("ApplyGuardrail")


def task(**options):
    """A task's params as AnsibleModule gives them: every option present, None when unset."""
    params = {
        "guardrail_identifier": "abc123def456",
        "guardrail_version": "DRAFT",
        "source": "input",
        "output_scope": None,
        "text": None,
        "content": None,
        "tests": None,
        "max_concurrency": 8,
    }
    params.update(options)
    return params


def case(name="c", expect="none", **options):
    entry = {"name": name, "text": None, "content": None, "source": None, "expect": expect, "expect_output": None}
    entry.update(options)
    if entry["text"] is None and entry["content"] is None:
        entry["text"] = "Hello"
    return entry


def image(path=None, data=None, image_format=None):
    return {
        "text": None,
        "qualifiers": None,
        "image": {"format": image_format, "source": {"path": path, "bytes": data}},
    }


def text(value, qualifiers=None):
    return {"text": value, "qualifiers": qualifiers, "image": None}


@pytest.fixture
def png_file(tmp_path):
    path = tmp_path / "pixel.png"
    path.write_bytes(PNG)
    return str(path)


# Checks -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cases, message",
    [
        ([], r"^tests must list at least one case"),
        (
            [case("a"), case("b"), case("a")],
            r"^tests\[2\] \('a'\): the name is also that of tests\[0\]; case names must be unique",
        ),
        ([case("")], r"^tests\[0\]\.name must be a name for the case"),
        ([case("  ")], r"^tests\[0\]\.name must be a name for the case"),
        ([case("a", expect_output="{EMAIL}")], r"^tests\[0\] \('a'\)\.expect_output needs expect: intervened"),
        ([case("a", expect="intervened", expect_output="")], r"^tests\[0\] \('a'\)\.expect_output must not be empty"),
    ],
)
def test_cases_refused(cases, message):
    with pytest.raises(BedrockParameterError, match=message):
        ag.check_cases(cases)


def test_cases_accepted():
    ag.check_cases([case("a"), case("b", expect="intervened", expect_output="{EMAIL}"), case("A")])


@pytest.mark.parametrize(
    "options, message",
    [
        ({}, "set exactly one of text, content and tests; the task sets none of them"),
        ({"text": "x", "tests": [case()]}, "the task sets text, tests"),
        ({"text": "x", "content": [text("y")]}, "the task sets text, content"),
        ({"text": "x", "guardrail_version": "latest"}, "guardrail_version must be a version number"),
        ({"text": "x", "guardrail_identifier": "Name"}, "guardrail_identifier 'Name' is not"),
        ({"text": "x", "max_concurrency": 0}, "max_concurrency must be between 1 and 64"),
        ({"tests": [case("a"), case("a")]}, "case names must be unique"),
    ],
)
def test_task_refused(options, message):
    with pytest.raises(BedrockParameterError, match=message):
        ag.check_apply_task(task(**options))


def test_argument_spec_lists_the_interface():
    spec = ag.argument_spec()
    assert spec["source"]["default"] == "input"
    assert spec["output_scope"]["choices"] == ["interventions", "full"]
    assert spec["tests"]["options"]["expect"]["choices"] == ["intervened", "none"]
    assert spec["tests"]["options"]["content"] == spec["content"]
    assert spec["content"]["options"]["image"]["options"]["source"]["options"]["path"]["type"] == "path"


# Requests -----------------------------------------------------------------------------------------------------------


def test_request_for_a_text_validates_against_botocore():
    request = ag.build_apply_request(task(text="Write to jane@example.com"))
    validate_parameters(request, APPLY_INPUT.input_shape)
    assert request == {
        "guardrailIdentifier": "abc123def456",
        "guardrailVersion": "DRAFT",
        "source": "INPUT",
        "content": [{"text": {"text": "Write to jane@example.com"}}],
    }


def test_request_with_blocks_scope_and_source(png_file):
    params = task(
        guardrail_identifier=ARN,
        guardrail_version="3",
        source="output",
        output_scope="full",
        content=[
            text("The sky is blue.", ["grounding_source"]),
            text("What colour is the sky?", ["query"]),
            text("Green.", ["guard_content"]),
            image(path=png_file),
            image(data=PNG_B64, image_format="jpeg"),
        ],
    )
    request = ag.build_apply_request(params)
    validate_parameters(request, APPLY_INPUT.input_shape)
    assert request["source"] == "OUTPUT" and request["outputScope"] == "FULL"
    assert request["guardrailIdentifier"] == ARN and request["guardrailVersion"] == "3"
    assert request["content"][:3] == [
        {"text": {"text": "The sky is blue.", "qualifiers": ["grounding_source"]}},
        {"text": {"text": "What colour is the sky?", "qualifiers": ["query"]}},
        {"text": {"text": "Green.", "qualifiers": ["guard_content"]}},
    ]
    # The file is read and the base64 decoded, once each: boto3 takes the bytes.
    assert request["content"][3:] == [
        {"image": {"format": "png", "source": {"bytes": PNG}}},
        {"image": {"format": "jpeg", "source": {"bytes": PNG}}},
    ]


def test_case_requests_take_the_case_source_else_the_task_source():
    params = task(source="output", tests=[case("a"), case("b", source="input", text="Hi")])
    requests = ag.build_case_requests(params)
    assert [request["source"] for request in requests] == ["OUTPUT", "INPUT"]
    assert requests[1]["content"] == [{"text": {"text": "Hi"}}]
    for request in requests:
        validate_parameters(request, APPLY_INPUT.input_shape)


@pytest.mark.parametrize(
    "content, message",
    [
        ([], r"^content must hold at least one block"),
        ([text("")], r"^content\[0\]\.text must be the text to check, not empty"),
        (
            [{"text": "a", "qualifiers": None, "image": {"format": "png", "source": {"path": "x", "bytes": None}}}],
            r"^content\[0\] must set exactly one of text and image",
        ),
        (
            [
                {
                    "text": None,
                    "qualifiers": ["query"],
                    "image": {"format": "png", "source": {"path": None, "bytes": PNG_B64}},
                }
            ],
            r"^content\[0\]\.qualifiers apply to text only",
        ),
        ([text("a", ["context"])], r"^content\[0\]\.text: qualifiers must be among"),
        ([image(data=PNG_B64)], r"^content\[0\]\.image\.format is required with source bytes"),
        ([image(data="not base64!", image_format="png")], r"^content\[0\]\.image\.source\.bytes: is not valid base64"),
        (
            [image(data=PNG_B64, image_format="gif")],
            r"^content\[0\]\.image\.format: guardrails take png and jpeg images only, not gif",
        ),
        (
            [image(path="/nonexistent/pic.png")],
            r"^content\[0\]\.image\.source\.path: cannot read '/nonexistent/pic.png'",
        ),
        (
            [{"text": None, "qualifiers": None, "image": {"format": "png", "source": {"path": None, "bytes": None}}}],
            r"^content\[0\]\.image\.source must set exactly one of path and bytes",
        ),
        (
            [text("a"), image(data=PNG_B64, image_format="png")] + [image(data=PNG_B64, image_format="png")] * 20,
            r"^content holds 21 images; a guardrail takes at most 20",
        ),
    ],
)
def test_content_refused(content, message):
    with pytest.raises(BedrockParameterError, match=message):
        ag.build_apply_request(task(content=content))


def test_image_format_from_the_file_name_refuses_other_kinds(tmp_path):
    path = tmp_path / "anim.gif"
    path.write_bytes(b"GIF89a")
    with pytest.raises(BedrockParameterError, match=r"^content\[0\]\.image\.format: .*not gif"):
        ag.build_apply_request(task(content=[image(path=str(path))]))


def test_case_content_errors_name_the_case():
    params = task(tests=[case("a"), case("masks", content=[text("")])])
    with pytest.raises(BedrockParameterError, match=r"^tests\[1\] \('masks'\)\.content\[0\]\.text must be the text"):
        ag.build_case_requests(params)
    with pytest.raises(BedrockParameterError, match=r"^tests\[0\] \('e'\)\.text must be the text to check, not empty"):
        ag.build_case_requests(task(tests=[{**case("e"), "text": ""}]))


@pytest.mark.parametrize(
    "options, content, expected",
    [
        ({}, [text("a")], ["1.34.143"]),
        ({"output_scope": "interventions"}, [text("a")], ["1.34.143", "1.37.29"]),
        ({}, [image(data=PNG_B64, image_format="png")], ["1.34.143", "1.35.75"]),
    ],
)
def test_boto3_needs(options, content, expected):
    params = task(content=content, **options)
    needs = ag.boto3_needs(params, [ag.build_apply_request(params)])
    assert [version for version, reason in needs] == expected
    assert all(reason.startswith("to ") for version, reason in needs)


# Properties ---------------------------------------------------------------------------------------------------------

# Whatever a task might hold where a block or its image should be.
JUNK = (
    st.none()
    | st.integers()
    | st.text(max_size=5)
    | st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2)
)
BLOCK = st.fixed_dictionaries(
    {
        "text": st.none() | st.text(max_size=10) | st.integers(),
        "qualifiers": st.none() | st.lists(st.sampled_from(ag.QUALIFIERS + ("other",)), max_size=3),
        "image": st.none()
        | JUNK
        | st.fixed_dictionaries(
            {
                "format": st.none() | st.sampled_from(("png", "jpeg", "gif")),
                "source": st.fixed_dictionaries(
                    {
                        "path": st.none() | st.just("/nonexistent.png"),
                        "bytes": st.none() | st.sampled_from((PNG_B64, "!!", "")),
                    }
                ),
            }
        ),
    }
)


@PROPERTY_SETTINGS
@given(content=st.none() | st.lists(BLOCK | JUNK, max_size=4) | JUNK, given_text=st.none() | st.text(max_size=10))
def test_content_is_sent_whole_or_refused_by_name(content, given_text):
    try:
        request = ag.build_apply_request(task(text=given_text, content=content))
    except BedrockParameterError as e:
        assert str(e).startswith(("content", "text"))
        return
    validate_parameters(request, APPLY_INPUT.input_shape)
