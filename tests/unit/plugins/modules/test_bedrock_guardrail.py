# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_guardrail run as Ansible runs it, against botocore's Stubber: every call the module makes is
checked against the real service model, and a call nobody queued (a write a second run must not send) fails."""

from __future__ import annotations

import datetime

import pytest
from botocore.stub import ANY

from ansible_collections.amazon.ai.plugins.modules import bedrock_guardrail
from ansible_collections.amazon.ai.tests.unit.plugins.module_utils.test_guardrail import Capture
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

SECRET = "unit-test-secret-do-not-print"
GUARDRAIL_ID = "abcdefgh1234"
ARN = f"arn:aws:bedrock:us-east-1:123456789012:guardrail/{GUARDRAIL_ID}"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
WHEN = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc)


def run_module(capsys, args, check_mode=False, diff=False):
    return run_main(bedrock_guardrail.main, capsys, dict(args, _ansible_diff=diff), check_mode)


def task(**overrides):
    args = dict(
        name="support",
        blocked_input_messaging="Blocked.",
        blocked_outputs_messaging="Blocked too.",
        word_policy={"words": ["darn"]},
        region="us-east-1",
        access_key="AKIDUNIT",
        secret_key=SECRET,
    )
    args.update(overrides)
    return args


def answer(status="READY", version="DRAFT", words=("darn",), **more):
    value = {
        "name": "support",
        "guardrailId": GUARDRAIL_ID,
        "guardrailArn": ARN,
        "version": version,
        "status": status,
        "blockedInputMessaging": "Blocked.",
        "blockedOutputsMessaging": "Blocked too.",
        "wordPolicy": {
            "words": [
                {
                    "text": w,
                    "inputAction": "BLOCK",
                    "outputAction": "BLOCK",
                    "inputEnabled": True,
                    "outputEnabled": True,
                }
                for w in words
            ]
        },
        "createdAt": WHEN,
        "updatedAt": WHEN,
        "statusReasons": [],
        "failureRecommendations": [],
    }
    value.update(more)
    return value


def summary(version="DRAFT", status="READY", name="support", guardrail_id=GUARDRAIL_ID):
    return {
        "id": guardrail_id,
        "arn": f"arn:aws:bedrock:us-east-1:123456789012:guardrail/{guardrail_id}",
        "status": status,
        "name": name,
        "version": version,
        "createdAt": WHEN,
        "updatedAt": WHEN,
    }


def expect_lookup(stub, found=True, get=None):
    stub.add_response("list_guardrails", {"guardrails": [summary()] if found else []}, {"maxResults": 1000})
    if found:
        stub.add_response("get_guardrail", get or answer(), {"guardrailIdentifier": GUARDRAIL_ID})


def expect_tags_and_versions(stub, tags=None, versions=()):
    stub.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
        {"resourceARN": ARN},
    )
    stub.add_response(
        "list_guardrails",
        {"guardrails": [summary()] + [summary(version) for version in versions]},
        {"maxResults": 1000, "guardrailIdentifier": GUARDRAIL_ID},
    )


CONFIG_REQUEST = {
    "name": "support",
    "blockedInputMessaging": "Blocked.",
    "blockedOutputsMessaging": "Blocked too.",
    "wordPolicyConfig": {"wordsConfig": [{"text": "darn"}]},
}
CREATE_REQUEST = dict(CONFIG_REQUEST, tags=[{"key": "team", "value": "support"}], clientRequestToken=ANY)
UPDATED = {"guardrailId": GUARDRAIL_ID, "guardrailArn": ARN, "version": "DRAFT", "updatedAt": WHEN}


def update_request(**members):
    return dict(CONFIG_REQUEST, guardrailIdentifier=GUARDRAIL_ID, **members)


def test_check_mode_reads_and_says_what_it_would_create(capsys, aws_stubbers):
    expect_lookup(aws_stubbers["bedrock"], found=False)
    result = run_module(capsys, task(tags={"team": "support"}), check_mode=True, diff=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["word_policy"]["words"][0]["text"] == "darn"
    assert result["diff"]["after"]["tags"] == {"team": "support"}
    assert result["guardrail"]["versions"] == []
    aws_stubbers["bedrock"].assert_no_pending_responses()


def test_create_waits_for_ready_and_returns_the_guardrail(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub, found=False)
    stub.add_response(
        "create_guardrail",
        {"guardrailId": GUARDRAIL_ID, "guardrailArn": ARN, "version": "DRAFT", "createdAt": WHEN},
        CREATE_REQUEST,
    )
    stub.add_response("get_guardrail", answer("CREATING"), {"guardrailIdentifier": GUARDRAIL_ID})
    stub.add_response("get_guardrail", answer(), {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "DRAFT"})
    result = run_module(capsys, task(tags={"team": "support"}))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    shown = result["guardrail"]
    assert (shown["guardrail_id"], shown["status"], shown["tags"]) == (GUARDRAIL_ID, "READY", {"team": "support"})
    assert shown["created_at"] == "2026-01-31T09:00:00+00:00"
    assert SECRET not in result["_stdout"]
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "other, same",
    [({}, True), ({"tags": {"team": "billing"}}, False), ({"word_policy": {"words": ["heck"]}}, False)],
)
def test_the_create_token_is_derived_from_the_task(capsys, aws_stubbers, other, same):
    stub = aws_stubbers["bedrock"]
    token = Capture()
    for args in (
        task(tags={"team": "support"}, wait=False),
        task(**dict({"tags": {"team": "support"}, "wait": False}, **other)),
    ):
        expect_lookup(stub, found=False)
        stub.add_response(
            "create_guardrail",
            {"guardrailId": GUARDRAIL_ID, "guardrailArn": ARN, "version": "DRAFT", "createdAt": WHEN},
            dict(CREATE_REQUEST, clientRequestToken=token, tags=ANY, wordPolicyConfig=ANY),
        )
        stub.add_response("get_guardrail", answer("CREATING"), {"guardrailIdentifier": GUARDRAIL_ID})
        result = run_module(capsys, args)
        assert result["_exit_code"] == 0, result
        assert result["guardrail"]["status"] == "CREATING"
    first, second = token.values
    assert first.startswith("amazonai-") and 1 <= len(first) <= 256
    assert (first == second) is same
    stub.assert_no_pending_responses()


def test_a_token_answered_with_a_deleted_guardrail_is_replaced(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub, found=False)
    created = {"guardrailArn": ARN, "version": "DRAFT", "createdAt": WHEN}
    stub.add_response("create_guardrail", dict(created, guardrailId="deleted00000"), CREATE_REQUEST)
    stub.add_client_error("get_guardrail", "ResourceNotFoundException", http_status_code=404)
    stub.add_response("create_guardrail", dict(created, guardrailId=GUARDRAIL_ID), CREATE_REQUEST)
    stub.add_response("get_guardrail", answer(), {"guardrailIdentifier": GUARDRAIL_ID})
    result = run_module(capsys, task(tags={"team": "support"}))
    assert result["_exit_code"] == 0, result
    assert result["guardrail"]["guardrail_id"] == GUARDRAIL_ID
    stub.assert_no_pending_responses()


def test_the_same_task_again_sends_no_write(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub)
    expect_tags_and_versions(stub, {"team": "support"})
    result = run_module(capsys, task(word_policy={"words": [{"text": "DARN".lower(), "input_action": "block"}]}))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False
    assert result["guardrail"]["tags"] == {"team": "support"}
    stub.assert_no_pending_responses()


def test_one_change_sends_the_whole_configuration(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    current = answer(contentPolicy={"filters": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}]})
    expect_lookup(stub, get=current)
    expect_tags_and_versions(stub)
    stub.add_response(
        "update_guardrail",
        UPDATED,
        update_request(
            wordPolicyConfig={"wordsConfig": [{"text": "darn"}, {"text": "heck"}]},
            contentPolicyConfig={
                "filtersConfig": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}]
            },
        ),
    )
    updated = dict(current, wordPolicy=answer(words=("darn", "heck"))["wordPolicy"])
    stub.add_response("get_guardrail", dict(updated, status="UPDATING"), {"guardrailIdentifier": GUARDRAIL_ID})
    stub.add_response("get_guardrail", updated, {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "DRAFT"})
    args = task(word_policy={"words": ["heck", "darn"]})
    del args["blocked_input_messaging"], args["blocked_outputs_messaging"]
    result = run_module(capsys, args, diff=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert [w["text"] for w in result["diff"]["after"]["word_policy"]["words"]] == ["darn", "heck"]
    assert result["diff"]["before"]["content_policy"] == result["diff"]["after"]["content_policy"]
    assert result["guardrail"]["status"] == "READY"
    stub.assert_no_pending_responses()


def test_a_failed_update_fails_the_task_with_bedrocks_reasons(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub)
    expect_tags_and_versions(stub)
    stub.add_response("update_guardrail", UPDATED, update_request(wordPolicyConfig={"wordsConfig": [{"text": "heck"}]}))
    failed = answer(
        "FAILED", words=("heck",), statusReasons=["Bad words."], failureRecommendations=["Use other words."]
    )
    stub.add_response("get_guardrail", failed, {"guardrailIdentifier": GUARDRAIL_ID})
    result = run_module(capsys, task(word_policy={"words": ["heck"]}))
    assert result["_exit_code"] == 1
    assert result["msg"] == "Guardrail 'support' is FAILED: Bad words. Bedrock recommends: Use other words."
    assert result["guardrail"]["status"] == "FAILED"
    assert result["changed"] is True
    stub.assert_no_pending_responses()


def test_a_guardrail_left_failed_is_updated_again(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub, get=answer("FAILED", statusReasons=["Bad words."]))
    expect_tags_and_versions(stub)
    stub.add_response("update_guardrail", UPDATED, update_request())
    stub.add_response("get_guardrail", answer(), {"guardrailIdentifier": GUARDRAIL_ID})
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True and result["guardrail"]["status"] == "READY"
    stub.assert_no_pending_responses()


def test_a_version_matching_the_draft_is_reported_not_published(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub)
    expect_tags_and_versions(stub, versions=("1", "2"))
    stub.add_response(
        "get_guardrail",
        answer(version="2", description="Release 2"),
        {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "2"},
    )
    result = run_module(capsys, task(publish_version=True))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False
    assert result["published_version"] == "2"
    assert result["guardrail"]["versions"] == ["1", "2"]
    stub.assert_no_pending_responses()


def test_a_draft_unlike_the_newest_version_is_published(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub)
    expect_tags_and_versions(stub, versions=("1",))
    stub.add_response(
        "get_guardrail",
        answer(version="1", words=("gosh",)),
        {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "1"},
    )
    stub.add_response(
        "create_guardrail_version",
        {"guardrailId": GUARDRAIL_ID, "version": "2"},
        {"guardrailIdentifier": GUARDRAIL_ID, "clientRequestToken": ANY, "description": "Release 2"},
    )
    stub.add_response(
        "get_guardrail",
        answer("VERSIONING", version="2"),
        {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "2"},
    )
    stub.add_response(
        "get_guardrail", answer(version="2"), {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "2"}
    )
    result = run_module(capsys, task(publish_version=True, version_description="Release 2"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["published_version"] == "2"
    assert result["guardrail"]["versions"] == ["1", "2"]
    stub.assert_no_pending_responses()


def test_in_check_mode_a_version_would_be_published_but_is_not(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub)
    expect_tags_and_versions(stub)
    result = run_module(capsys, task(publish_version=True), check_mode=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert "published_version" not in result
    stub.assert_no_pending_responses()


def test_absent_deletes_and_waits_for_the_guardrail_to_go(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub)
    stub.add_response("list_tags_for_resource", {"tags": []}, {"resourceARN": ARN})
    stub.add_response("delete_guardrail", {}, {"guardrailIdentifier": GUARDRAIL_ID})
    stub.add_response("get_guardrail", answer("DELETING"), {"guardrailIdentifier": GUARDRAIL_ID})
    stub.add_client_error("get_guardrail", "ResourceNotFoundException", http_status_code=404)
    result = run_module(capsys, task(state="absent"), diff=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True and result["guardrail"] == {}
    assert result["diff"]["after"] == {} and result["diff"]["before"]["name"] == "support"
    stub.assert_no_pending_responses()


def test_absent_of_a_missing_guardrail_changes_nothing(capsys, aws_stubbers):
    expect_lookup(aws_stubbers["bedrock"], found=False)
    result = run_module(capsys, task(state="absent"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False


def test_a_busy_answer_is_retried(capsys, aws_stubbers):
    stub = aws_stubbers["bedrock"]
    stub.add_client_error("list_guardrails", "ThrottlingException", http_status_code=429)
    expect_lookup(stub)
    expect_tags_and_versions(stub)
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    stub.assert_no_pending_responses()


def test_a_busy_create_is_retried_with_the_same_token(capsys, aws_stubbers):
    # (aws_stubbers makes every sleep, of the retries and of the polls, return at once.)
    stub = aws_stubbers["bedrock"]
    token = Capture()
    expect_lookup(stub, found=False)
    stub.add_client_error("create_guardrail", "ThrottlingException", http_status_code=429)
    stub.add_response(
        "create_guardrail",
        {"guardrailId": GUARDRAIL_ID, "guardrailArn": ARN, "version": "DRAFT", "createdAt": WHEN},
        dict(CREATE_REQUEST, clientRequestToken=token),
    )
    stub.add_response("get_guardrail", answer(), {"guardrailIdentifier": GUARDRAIL_ID})
    result = run_module(capsys, task(tags={"team": "support"}))
    assert result["_exit_code"] == 0, result
    assert token.values[0].startswith("amazonai-")
    # The throttled create was sent again: both queued answers were taken.
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "describe_key, changed, warned",
    [
        ({"KeyMetadata": {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "Arn": KEY_ARN}}, False, False),
        (
            {"KeyMetadata": {"KeyId": "9999abcd-12ab-34cd-56ef-1234567890ab", "Arn": KEY_ARN.replace("1234", "9999")}},
            True,
            False,
        ),
        ("AccessDeniedException", False, True),
    ],
)
def test_a_kms_alias_is_compared_by_the_key_it_stands_for(capsys, aws_stubbers, describe_key, changed, warned):
    stub = aws_stubbers["bedrock"]
    expect_lookup(stub, get=answer(kmsKeyArn=KEY_ARN))
    kms = stubber_for(aws_stubbers, "kms")
    if isinstance(describe_key, str):
        kms.add_client_error("describe_key", describe_key, http_status_code=400)
    else:
        kms.add_response("describe_key", describe_key, {"KeyId": "alias/guardrails"})
    expect_tags_and_versions(stub)
    if changed:
        stub.add_response("update_guardrail", UPDATED, update_request(kmsKeyId="alias/guardrails"))
        stub.add_response(
            "get_guardrail", answer(kmsKeyArn=KEY_ARN.replace("1234", "9999")), {"guardrailIdentifier": GUARDRAIL_ID}
        )
    result = run_module(capsys, task(kms_key_id="alias/guardrails"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is changed
    shown = "Could not tell whether kms_key_id 'alias/guardrails'" in str(result.get("warnings")) + result["_stderr"]
    assert shown is warned
    stub.assert_no_pending_responses()
    kms.assert_no_pending_responses()


def stubber_for(aws_stubbers, service):
    """The Stubber of a service the fixture did not build beforehand (building its client now)."""
    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

    AnsibleAWSModule.client(None, service)
    return aws_stubbers[service]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"name": "support bot"}, "name 'support bot' is not valid"),
        ({"state": "absent", "publish_version": True}, "publish_version cannot be used with state=absent"),
        ({"version_description": ""}, "version_description must be 1 to 200 characters long, not 0"),
        (
            {"content_policy": {"filters": [{"type": "GORE", "input_strength": "HIGH", "output_strength": "HIGH"}]}},
            "content_policy.filters[0].type must be one of",
        ),
        ({"tags": {"bad key!": "x"}}, "tags: key 'bad key!' must be"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(capsys, aws_stubbers, args, message):
    result = run_module(capsys, task(**args))
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Invalid task for guardrail ")
    assert message in result["msg"]
    aws_stubbers["bedrock"].assert_no_pending_responses()
