# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_inference_profile_info run as Ansible runs it, against botocore's Stubber."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.amazon.ai.plugins.modules import bedrock_inference_profile_info
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

ACCOUNT = "123456789012"
SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
MODEL_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET}"
WHEN = datetime.datetime(2024, 8, 27, tzinfo=datetime.timezone.utc)


def run_module(capsys, args):
    return run_main(bedrock_inference_profile_info.main, capsys, dict(args, region="us-east-1"))


def summary(profile_id, name, kind="SYSTEM_DEFINED"):
    resource = "inference-profile" if kind == "SYSTEM_DEFINED" else "application-inference-profile"
    return {
        "inferenceProfileName": name,
        "createdAt": WHEN,
        "updatedAt": WHEN,
        "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:{resource}/{profile_id}",
        "models": [{"modelArn": MODEL_ARN}],
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": kind,
    }


SYSTEM = [summary(f"{geo}.{SONNET}", f"{geo} Claude") for geo in ("us", "global", "eu")]
APPS = [summary("a1b2c3d4e5f6", "team-a", "APPLICATION"), summary("0f1e2d3c4b5a", "team-b", "APPLICATION")]


def pages(stub, kind, summaries):
    """Queue the listing of summaries of kind, one per page, the second page first refused as busy."""
    for index, item in enumerate(summaries):
        expected = {"typeEquals": kind}
        if index:
            expected["nextToken"] = f"{kind}-{index}"
        reply = {"inferenceProfileSummaries": [item]}
        if index + 1 < len(summaries):
            reply["nextToken"] = f"{kind}-{index + 1}"
        if index == 1:
            stub.add_client_error("list_inference_profiles", "ThrottlingException", http_status_code=429)
        stub.add_response("list_inference_profiles", reply, expected)


def tags_of(stub, item, **tags):
    stub.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": key, "value": value} for key, value in tags.items()]},
        {"resourceARN": item["inferenceProfileArn"]},
    )


def test_all_profiles_every_page_system_defined_first_application_ones_with_tags(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    pages(stub, "SYSTEM_DEFINED", SYSTEM)
    pages(stub, "APPLICATION", APPS)
    tags_of(stub, APPS[0], team="a")
    tags_of(stub, APPS[1])
    result = run_module(capsys, {})
    stub.assert_no_pending_responses()
    assert result["changed"] is False
    found = result["inference_profiles"]
    assert [item["inference_profile_id"] for item in found] == [item["inferenceProfileId"] for item in SYSTEM + APPS]
    assert [item.get("tags") for item in found] == [None, None, None, {"team": "a"}, {}]
    assert found[0]["models"] == [{"model_arn": MODEL_ARN}] and found[0]["created_at"] == "2024-08-27T00:00:00+00:00"


@pytest.mark.parametrize("kind, option", [("SYSTEM_DEFINED", "system_defined"), ("APPLICATION", "application")])
def test_one_type(capsys, aws_stubbers, kind, option):
    stub = aws_stubbers["bedrock"]
    listed = SYSTEM if kind == "SYSTEM_DEFINED" else APPS
    pages(stub, kind, listed)
    if kind == "APPLICATION":
        for item in APPS:
            tags_of(stub, item)
    result = run_module(capsys, {"type": option})
    stub.assert_no_pending_responses()
    assert [item["type"] for item in result["inference_profiles"]] == [kind] * len(listed)


def test_by_name_among_the_type_asked(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    pages(stub, "APPLICATION", APPS)
    tags_of(stub, APPS[1], team="b")
    result = run_module(capsys, {"name": "team-b", "type": "application"})
    stub.assert_no_pending_responses()
    assert [item["inference_profile_name"] for item in result["inference_profiles"]] == ["team-b"]
    assert result["inference_profiles"][0]["tags"] == {"team": "b"}


@pytest.mark.parametrize("identifier", ["a1b2c3d4e5f6", APPS[0]["inferenceProfileArn"]])
def test_by_identifier(capsys, aws_stubbers, identifier):
    stub = aws_stubbers["bedrock"]
    stub.add_response("get_inference_profile", APPS[0], {"inferenceProfileIdentifier": identifier})
    tags_of(stub, APPS[0], team="a")
    result = run_module(capsys, {"id": identifier})
    stub.assert_no_pending_responses()
    assert [item["inference_profile_id"] for item in result["inference_profiles"]] == ["a1b2c3d4e5f6"]


def test_an_identifier_of_another_type_than_asked_finds_nothing(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_response("get_inference_profile", SYSTEM[0], {"inferenceProfileIdentifier": f"us.{SONNET}"})
    result = run_module(capsys, {"identifier": f"us.{SONNET}", "type": "application"})
    stub.assert_no_pending_responses()
    assert result["inference_profiles"] == []


def test_an_unknown_identifier_finds_nothing(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_client_error("get_inference_profile", "ResourceNotFoundException", http_status_code=404)
    result = run_module(capsys, {"arn": APPS[0]["inferenceProfileArn"]})
    stub.assert_no_pending_responses()
    assert not result.get("failed") and result["inference_profiles"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        ({"name": "bad name!"}, "name 'bad name!' is not a valid inference profile name"),
        ({"identifier": MODEL_ARN}, "is not the ARN of an inference profile"),
    ],
)
def test_bad_input_is_refused_with_nothing_sent(capsys, aws_stubbers, args, message):
    result = run_module(capsys, args)
    assert result["failed"] is True and "nothing was sent: " in result["msg"] and message in result["msg"]


def test_a_failed_listing_fails_with_its_code(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_client_error("list_inference_profiles", "AccessDeniedException", http_status_code=403)
    result = run_module(capsys, {})
    assert result["failed"] is True and result["error"]["code"] == "AccessDeniedException"
    assert result["msg"].startswith("Failed to read Bedrock inference profiles")
