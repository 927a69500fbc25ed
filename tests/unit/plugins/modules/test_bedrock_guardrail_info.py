# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_guardrail_info run as Ansible runs it, against botocore's Stubber."""

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.modules import bedrock_guardrail_info
from ansible_collections.amazon.ai.tests.unit.plugins.modules.test_bedrock_guardrail import ARN
from ansible_collections.amazon.ai.tests.unit.plugins.modules.test_bedrock_guardrail import GUARDRAIL_ID
from ansible_collections.amazon.ai.tests.unit.plugins.modules.test_bedrock_guardrail import answer
from ansible_collections.amazon.ai.tests.unit.plugins.modules.test_bedrock_guardrail import summary
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

OTHER_ID = "zyxwvuts9876"


def run_module(capsys, args):
    return run_main(bedrock_guardrail_info.main, capsys, dict(args, region="us-east-1"))


def expect_description(stub, identifier, got, versions=(), tags=None, version=None):
    query = {"guardrailIdentifier": identifier, **({"guardrailVersion": version} if version else {})}
    stub.add_response("get_guardrail", got, query)
    stub.add_response(
        "list_guardrails",
        {
            "guardrails": [summary(guardrail_id=got["guardrailId"])]
            + [summary(v, guardrail_id=got["guardrailId"]) for v in versions]
        },
        {"maxResults": 1000, "guardrailIdentifier": got["guardrailId"]},
    )
    stub.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
        {"resourceARN": got["guardrailArn"]},
    )


def test_every_guardrail_is_described_page_after_page(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    other_arn = ARN.replace(GUARDRAIL_ID, OTHER_ID)
    stub.add_response("list_guardrails", {"guardrails": [summary()], "nextToken": "page-2"}, {"maxResults": 1000})
    stub.add_response(
        "list_guardrails",
        {"guardrails": [summary(name="other", guardrail_id=OTHER_ID)]},
        {"maxResults": 1000, "nextToken": "page-2"},
    )
    expect_description(stub, GUARDRAIL_ID, answer(), versions=("1", "10", "2"), tags={"team": "support"})
    other = answer(name="other", guardrailId=OTHER_ID, guardrailArn=other_arn, wordPolicy={})
    expect_description(stub, OTHER_ID, other)
    result = run_module(capsys, {})
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False
    assert [g["name"] for g in result["guardrails"]] == ["support", "other"]
    assert result["guardrails"][0]["versions"] == ["1", "2", "10"]
    assert result["guardrails"][0]["tags"] == {"team": "support"}
    assert result["guardrails"][0]["word_policy"]["words"][0]["text"] == "darn"
    assert "word_policy" not in result["guardrails"][1]
    stub.assert_no_pending_responses()


def test_one_guardrail_by_name_and_version(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_response(
        "list_guardrails",
        {"guardrails": [summary(name="other", guardrail_id=OTHER_ID), summary()]},
        {"maxResults": 1000},
    )
    expect_description(stub, GUARDRAIL_ID, answer(version="2", description="Release 2"), ("1", "2"), version="2")
    result = run_module(capsys, {"name": "support", "version": "2"})
    assert result["_exit_code"] == 0, result
    assert [(g["name"], g["version"], g["description"]) for g in result["guardrails"]] == [
        ("support", "2", "Release 2")
    ]
    stub.assert_no_pending_responses()


def test_a_guardrail_or_version_that_is_not_there_is_an_empty_list(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_client_error("get_guardrail", "ResourceNotFoundException", http_status_code=404)
    result = run_module(capsys, {"guardrail_identifier": ARN, "version": "9"})
    assert result["_exit_code"] == 0, result
    assert result["guardrails"] == []
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "args, message",
    [
        ({"guardrail_identifier": "Not-An-Id"}, "guardrail_identifier 'Not-An-Id' is not a guardrail id"),
        ({"version": "2"}, "version needs name or guardrail_identifier"),
        ({"name": "support", "version": "v2"}, "version must be a version number (1, 2, ...) or DRAFT, not 'v2'"),
        ({"name": "bad name"}, "name 'bad name' is not valid"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(capsys, aws_stubbers, args, message):
    result = run_module(capsys, args)
    assert result["_exit_code"] == 1
    assert message in result["msg"]
    assert "nothing was sent" in result["msg"]
