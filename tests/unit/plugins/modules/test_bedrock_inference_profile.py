# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_inference_profile run as Ansible runs it, against botocore's Stubber (every call checked
against the service model, and only the calls queued may be made: a write the test does not expect fails it)."""

from __future__ import annotations

import datetime

import pytest
from botocore.stub import ANY

from ansible_collections.amazon.ai.plugins.module_utils import inference_profile_options as options
from ansible_collections.amazon.ai.plugins.modules import bedrock_inference_profile
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
MODEL_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
SYSTEM_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{SONNET}"
SONNET_ARNS = [f"arn:aws:bedrock:{region}::foundation-model/{SONNET}" for region in ("us-east-1", "us-west-2")]
APP_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/a1b2c3d4e5f6"
NEW_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/0f1e2d3c4b5a"
WHEN = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc)
APPLICATION = {"typeEquals": "APPLICATION"}


def run_module(capsys, args, check_mode=False, diff=False):
    args = dict(args, region="us-east-1", _ansible_diff=diff)
    return run_main(bedrock_inference_profile.main, capsys, args, check_mode=check_mode)


def profile(name="team-a", arn=APP_ARN, models=(MODEL_ARN,), description="Team A"):
    found = {
        "inferenceProfileName": name,
        "createdAt": WHEN,
        "updatedAt": WHEN,
        "inferenceProfileArn": arn,
        "models": [{"modelArn": model} for model in models],
        "inferenceProfileId": arn.rsplit("/", 1)[1],
        "status": "ACTIVE",
        "type": "APPLICATION",
    }
    if description is not None:
        found["description"] = description
    return found


def system_profile():
    return dict(
        profile(f"US {SONNET}", SYSTEM_ARN, SONNET_ARNS, "Routes"),
        inferenceProfileId=f"us.{SONNET}",
        type="SYSTEM_DEFINED",
    )


def listed(stub, *profiles, token=None):
    expected = dict(APPLICATION, nextToken=token) if token else APPLICATION
    stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": list(profiles)}, expected)


def tagged(stub, arn=APP_ARN, **tags):
    stub.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": key, "value": value} for key, value in tags.items()]},
        {"resourceARN": arn},
    )


def created(stub, request, arn=NEW_ARN, token=ANY):
    stub.add_response(
        "create_inference_profile",
        {"inferenceProfileArn": arn, "status": "ACTIVE"},
        dict(request, clientRequestToken=token),
    )


def got(stub, found, identifier=None):
    stub.add_response(
        "get_inference_profile", found, {"inferenceProfileIdentifier": identifier or found["inferenceProfileArn"]}
    )


TASK = dict(name="team-a", model_source=HAIKU, description="Team A", tags={"team": "a"})
REQUEST = {
    "inferenceProfileName": "team-a",
    "description": "Team A",
    "modelSource": {"copyFrom": MODEL_ARN},
    "tags": [{"key": "team", "value": "a"}],
}


def test_create_copies_the_model_s_arn_in_the_task_s_region_with_a_task_token(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile("other", NEW_ARN), token=None)
    token = options.profile_token(REQUEST)
    created(stub, REQUEST, token=token)
    got(stub, profile(arn=NEW_ARN))
    result = run_module(capsys, TASK, diff=True)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["recreated"] is False
    assert result["inference_profile"]["inference_profile_arn"] == NEW_ARN
    assert result["inference_profile"]["tags"] == {"team": "a"}
    assert result["inference_profile"]["models"] == [{"model_arn": MODEL_ARN}]
    assert result["inference_profile"]["created_at"] == "2026-01-31T09:00:00+00:00"
    assert result["diff"] == {
        "before": {},
        "after": {
            "inference_profile_name": "team-a",
            "description": "Team A",
            "models": [MODEL_ARN],
            "tags": {"team": "a"},
        },
    }


def test_the_same_task_again_sends_no_write(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    result = run_module(capsys, TASK)
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["recreated"] is False
    assert result["inference_profile"]["inference_profile_arn"] == APP_ARN
    assert "diff" not in result


def test_a_profile_is_found_on_a_later_page_after_throttling(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [profile("x", NEW_ARN)], "nextToken": "p2"},
        APPLICATION,
    )
    stub.add_client_error("list_inference_profiles", "ThrottlingException", http_status_code=429)
    listed(stub, profile(), token="p2")
    tagged(stub, team="a")
    result = run_module(capsys, {"name": "team-a"})
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["inference_profile"]["inference_profile_id"] == "a1b2c3d4e5f6"


@pytest.mark.parametrize("check_mode", [False, True])
def test_tags_change_in_place(capsys, aws_stubbers, check_mode):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a", old="x")
    if not check_mode:
        stub.add_response("untag_resource", {}, {"resourceARN": APP_ARN, "tagKeys": ["old"]})
        stub.add_response("tag_resource", {}, {"resourceARN": APP_ARN, "tags": [{"key": "team", "value": "b"}]})
    result = run_module(capsys, dict(TASK, tags={"team": "b"}), check_mode=check_mode, diff=True)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["recreated"] is False
    assert result["inference_profile"]["tags"] == {"team": "b"}
    assert result["diff"]["before"]["tags"] == {"team": "a", "old": "x"}
    assert result["diff"]["after"]["tags"] == {"team": "b"}


def test_tags_kept_without_purge(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    stub.add_response("tag_resource", {}, {"resourceARN": APP_ARN, "tags": [{"key": "project", "value": "p"}]})
    result = run_module(capsys, {"name": "team-a", "tags": {"project": "p"}, "purge_tags": False})
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["inference_profile"]["tags"] == {"team": "a", "project": "p"}


@pytest.mark.parametrize(
    "changes, named",
    [
        ({"model_source": f"us.{SONNET}"}, "another model_source (the profile carries " + MODEL_ARN),
        ({"description": "Team B"}, "another description ('Team A', not 'Team B')"),
        ({"model_source": f"us.{SONNET}", "description": "Team B"}, "and another description"),
    ],
)
def test_an_immutable_difference_fails_naming_it_and_changes_nothing(capsys, aws_stubbers, changes, named):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    if "model_source" in changes:
        got(stub, system_profile(), f"us.{SONNET}")
    result = run_module(capsys, dict(TASK, **changes))
    stub.assert_no_pending_responses()
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid task for inference profile 'team-a', nothing was sent: ")
    assert named in result["msg"] and "set recreate=true" in result["msg"]


def test_recreate_deletes_and_creates_with_a_token_naming_the_replaced_profile(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    got(stub, system_profile(), f"us.{SONNET}")
    stub.add_response("delete_inference_profile", {}, {"inferenceProfileIdentifier": APP_ARN})
    request = dict(REQUEST, modelSource={"copyFrom": SYSTEM_ARN})
    created(stub, request, token=options.profile_token(request, replaces=APP_ARN))
    got(stub, profile(arn=NEW_ARN, models=SONNET_ARNS))
    result = run_module(capsys, dict(TASK, model_source=f"us.{SONNET}", recreate=True), diff=True)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["recreated"] is True
    assert result["replaced_inference_profile_arn"] == APP_ARN
    assert result["inference_profile"]["inference_profile_arn"] == NEW_ARN
    assert result["diff"]["before"]["models"] == [MODEL_ARN] and result["diff"]["after"]["models"] == SONNET_ARNS


def test_recreate_in_check_mode_says_so_and_sends_no_write(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    result = run_module(capsys, dict(TASK, description="Team B", recreate=True), check_mode=True)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["recreated"] is True
    assert result["msg"] == "Would recreate inference profile 'team-a'"
    assert (
        result["inference_profile"]["description"] == "Team B"
        and "inference_profile_arn" not in result["inference_profile"]
    )


def test_recreate_without_model_source_is_refused(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    result = run_module(capsys, {"name": "team-a", "description": "Team B", "recreate": True})
    stub.assert_no_pending_responses()
    assert result["failed"] is True and "recreating inference profile 'team-a' needs model_source" in result["msg"]


def test_a_create_answered_with_a_deleted_profile_is_sent_again_with_its_arn_in_the_token(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub)
    first = options.profile_token(REQUEST)
    created(stub, REQUEST, arn=APP_ARN, token=first)
    stub.add_client_error("get_inference_profile", "ResourceNotFoundException", http_status_code=404)
    created(stub, REQUEST, arn=NEW_ARN, token=options.profile_token(REQUEST, answered=APP_ARN))
    got(stub, profile(arn=NEW_ARN))
    result = run_module(capsys, TASK)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["inference_profile"]["inference_profile_arn"] == NEW_ARN


def test_create_in_check_mode_resolves_a_system_profile_and_writes_nothing(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub)
    got(stub, system_profile(), f"us.{SONNET}")
    result = run_module(capsys, dict(TASK, model_source=f"us.{SONNET}"), check_mode=True, diff=True)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["msg"] == "Would create inference profile 'team-a'"
    assert result["inference_profile"] == {
        "inference_profile_name": "team-a",
        "type": "APPLICATION",
        "description": "Team A",
        "models": [{"model_arn": arn} for arn in SONNET_ARNS],
        "tags": {"team": "a"},
    }
    assert result["diff"]["before"] == {} and result["diff"]["after"]["models"] == SONNET_ARNS


def test_creating_needs_model_source(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub)
    result = run_module(capsys, {"name": "team-a"})
    assert result["failed"] is True
    assert "inference profile 'team-a' does not exist, and creating it needs model_source" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_the_profile(capsys, aws_stubbers, check_mode):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile())
    tagged(stub, team="a")
    if not check_mode:
        stub.add_response("delete_inference_profile", {}, {"inferenceProfileIdentifier": APP_ARN})
    result = run_module(capsys, {"name": "team-a", "state": "absent"}, check_mode=check_mode, diff=True)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["inference_profile"] == {}
    assert result["diff"]["after"] == {} and result["diff"]["before"]["tags"] == {"team": "a"}
    assert ("msg" in result) is check_mode


def test_absent_when_there_is_none_changes_nothing(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub, profile("other", NEW_ARN))
    result = run_module(capsys, {"name": "team-a", "state": "absent"})
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["inference_profile"] == {}


@pytest.mark.parametrize(
    "args, message",
    [
        ({"name": "bad name!"}, "name 'bad name!' is not a valid inference profile name"),
        ({"model_source": MODEL_ARN.replace("us-east-1", "eu-west-1")}, "but the task runs in 'us-east-1'"),
        ({"model_source": "arn:aws:iam::123456789012:role/r"}, "is not a Bedrock ARN"),
        ({"state": "absent", "recreate": True}, "recreate applies to state=present only"),
        ({"description": "it's"}, "is not a valid profile description"),
    ],
)
def test_bad_input_is_refused_with_nothing_sent(capsys, aws_stubbers, args, message):
    result = run_module(capsys, dict(TASK, **args))
    aws_stubbers["bedrock"].assert_no_pending_responses()  # nothing was queued: any call would have failed the stub
    assert result["failed"] is True and "nothing was sent: " in result["msg"] and message in result["msg"]


def test_an_older_boto3_is_refused_naming_the_version(capsys, aws_stubbers, monkeypatch):
    monkeypatch.setattr(
        "ansible_collections.amazon.aws.plugins.module_utils.modules.AnsibleAWSModule.boto3_at_least",
        lambda self, version: False,
    )
    result = run_module(capsys, TASK)
    assert result["failed"] is True
    assert "boto3>=1.35.51" in result["msg"] and "application inference profiles" in result["msg"]


def test_an_aws_error_fails_with_its_code(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    listed(stub)
    stub.add_client_error("create_inference_profile", "ServiceQuotaExceededException", http_status_code=400)
    result = run_module(capsys, TASK)
    stub.assert_no_pending_responses()
    assert result["failed"] is True and result["error"]["code"] == "ServiceQuotaExceededException"
    assert result["msg"].startswith("Failed to create the profile (inference profile 'team-a')")
