# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_model_invocation_logging run as Ansible runs it, against botocore's Stubber."""

from __future__ import annotations

import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils.versions import version_key
from ansible_collections.amazon.ai.plugins.modules import bedrock_model_invocation_logging
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

ROLE = "arn:aws:iam::123456789012:role/bedrock-logging"
S3_TASK = {"s3": {"bucket_name": "my-logs", "key_prefix": "bedrock/"}, "image_data_delivery": False}
S3_CONFIG = {
    "s3Config": {"bucketName": "my-logs", "keyPrefix": "bedrock/"},
    "textDataDeliveryEnabled": True,
    "imageDataDeliveryEnabled": False,
    "embeddingDataDeliveryEnabled": True,
    "videoDataDeliveryEnabled": True,
    "audioDataDeliveryEnabled": True,
}
S3_RESULT = {
    "s3": {"bucket_name": "my-logs", "key_prefix": "bedrock/"},
    "text_data_delivery": True,
    "image_data_delivery": False,
    "embedding_data_delivery": True,
    "video_data_delivery": True,
    "audio_data_delivery": True,
}


def run_module(capsys, args, check_mode=False, diff=False):
    args = dict(args, region="us-east-1", _ansible_diff=diff)
    return run_main(bedrock_model_invocation_logging.main, capsys, args, check_mode=check_mode)


@pytest.fixture(name="bedrock")
def fixture_bedrock(aws_stubbers):
    stubber = aws_stubbers["bedrock"]
    yield stubber
    stubber.assert_no_pending_responses()


def current(stubber, config=None):
    stubber.add_response("get_model_invocation_logging_configuration", {"loggingConfig": config} if config else {})


@pytest.fixture(name="old_boto3")
def fixture_old_boto3(monkeypatch):
    """The module sees boto3 1.34.0, the oldest the collection supports."""
    monkeypatch.setattr(AnsibleAWSModule, "boto3_at_least", lambda self, version: version_key(version) <= (1, 34, 0))


def test_a_new_configuration_is_put(capsys, bedrock):
    current(bedrock)
    bedrock.add_response("put_model_invocation_logging_configuration", {}, {"loggingConfig": S3_CONFIG})
    result = run_module(capsys, S3_TASK, diff=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["logging_config"] == S3_RESULT
    assert result["diff"] == {"before": {}, "after": S3_RESULT}


def test_the_same_configuration_sends_nothing(capsys, bedrock):
    # moto answers with keys the service leaves out; an empty key prefix is no key prefix.
    current(bedrock, dict(S3_CONFIG, s3Config={"bucketName": "my-logs", "keyPrefix": "bedrock/"}))
    result = run_module(capsys, S3_TASK)
    assert result["changed"] is False
    assert result["logging_config"] == S3_RESULT
    assert "diff" not in result


def test_check_mode_says_what_would_change_and_sends_no_write(capsys, bedrock):
    current(bedrock, dict(S3_CONFIG, imageDataDeliveryEnabled=True))
    result = run_module(capsys, S3_TASK, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == dict(S3_RESULT, image_data_delivery=True)
    assert result["diff"]["after"] == S3_RESULT


def test_both_destinations_and_an_unset_option_taking_its_default(capsys, bedrock):
    current(bedrock, dict(S3_CONFIG, textDataDeliveryEnabled=False))
    cloudwatch = {
        "logGroupName": "/bedrock/invocations",
        "roleArn": ROLE,
        "largeDataDeliveryS3Config": {"bucketName": "big-logs"},
    }
    bedrock.add_response(
        "put_model_invocation_logging_configuration",
        {},
        {"loggingConfig": dict(S3_CONFIG, cloudWatchConfig=cloudwatch)},
    )
    args = dict(
        S3_TASK,
        cloudwatch={
            "log_group_name": "/bedrock/invocations",
            "role_arn": ROLE,
            "large_data_delivery_s3": {"bucket_name": "big-logs", "key_prefix": ""},
        },
    )
    result = run_module(capsys, args)
    assert result["changed"] is True
    assert result["logging_config"]["cloudwatch"] == {
        "log_group_name": "/bedrock/invocations",
        "role_arn": ROLE,
        "large_data_delivery_s3": {"bucket_name": "big-logs"},
    }
    assert result["logging_config"]["text_data_delivery"] is True


def test_absent_deletes_once(capsys, bedrock):
    current(bedrock, S3_CONFIG)
    bedrock.add_response("delete_model_invocation_logging_configuration", {})
    current(bedrock)
    removed = run_module(capsys, {"state": "absent"}, diff=True)
    again = run_module(capsys, {"state": "absent"})
    assert (removed["changed"], removed["logging_config"]) == (True, {})
    assert removed["diff"] == {"before": S3_RESULT, "after": {}}
    assert (again["changed"], again["logging_config"]) == (False, {})


def test_a_throttled_read_is_retried(capsys, bedrock, no_sleep):
    bedrock.add_client_error("get_model_invocation_logging_configuration", "ThrottlingException", http_status_code=429)
    current(bedrock, S3_CONFIG)
    result = run_module(capsys, S3_TASK)
    assert result["_exit_code"] == 0 and result["changed"] is False
    assert len(no_sleep) == 1


def test_an_aws_error_is_reported_with_its_code(capsys, bedrock):
    current(bedrock)
    bedrock.add_client_error(
        "put_model_invocation_logging_configuration", "ValidationException", "Bucket not found", http_status_code=400
    )
    result = run_module(capsys, S3_TASK)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Failed to put the Bedrock model invocation logging configuration")
    assert result["error"]["code"] == "ValidationException"


@pytest.mark.parametrize(
    "args, message",
    [
        ({}, "invocation logs need a destination"),
        (
            {"cloudwatch": {"log_group_name": "g", "role_arn": "arn:aws:iam::123456789012:user/u"}},
            "cloudwatch.role_arn",
        ),
        ({"s3": {"bucket_name": "My_Logs"}}, "s3.bucket_name 'My_Logs' is not a valid bucket name"),
        ({"state": "absent", "text_data_delivery": False}, "so text_data_delivery cannot be set with it"),
    ],
)
def test_bad_input_fails_with_nothing_sent(capsys, bedrock, args, message):
    result = run_module(capsys, args)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Invalid task, nothing was sent: ")
    assert message in result["msg"]


def test_an_old_boto3_leaves_out_the_kinds_it_cannot_send(capsys, bedrock, old_boto3):
    sent = {key: value for key, value in S3_CONFIG.items() if not key.startswith(("video", "audio"))}
    current(bedrock, dict(S3_CONFIG, imageDataDeliveryEnabled=True))
    bedrock.add_response("put_model_invocation_logging_configuration", {}, {"loggingConfig": sent})
    result = run_module(capsys, S3_TASK)
    assert result["changed"] is True
    assert "video_data_delivery" not in result["logging_config"]


@pytest.mark.parametrize("option, version", [("video_data_delivery", "1.35.74"), ("audio_data_delivery", "1.42.1")])
def test_an_old_boto3_refuses_a_kind_it_cannot_send(capsys, bedrock, old_boto3, option, version):
    result = run_module(capsys, dict(S3_TASK, **{option: False}))
    assert result["_exit_code"] == 1
    assert f"boto3>={version}" in result["msg"] and option in result["msg"]
