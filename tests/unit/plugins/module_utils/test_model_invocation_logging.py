# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import botocore.session
import pytest
from botocore.validate import ParamValidator
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import common
from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_logging as logging_
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)
ROLE = "arn:aws:iam::123456789012:role/bedrock-logging"
ALL_KINDS = logging_.DATA_KINDS
SERVICE_MODEL = botocore.session.get_session().get_service_model("bedrock")
SHAPES = {name: SERVICE_MODEL.shape_for(name) for name in ("LoggingConfig", "LogGroupName", "KeyPrefix")}


def task(**overrides):
    params = {"state": "present", "cloudwatch": None, "s3": None}
    params.update((logging_.delivery_option(kind), None) for kind in ALL_KINDS)
    params.update(overrides)
    return params


def cloudwatch(**overrides):
    value = {"log_group_name": "/bedrock/invocations", "role_arn": ROLE, "large_data_delivery_s3": None}
    value.update(overrides)
    return value


def test_limits_are_the_service_models():
    # A new botocore that changes a limit, or a kind of data, shows here.
    assert SHAPES["LogGroupName"].metadata == {"min": 1, "max": logging_.MAX_LOG_GROUP_NAME_LENGTH}
    assert SHAPES["KeyPrefix"].metadata["max"] == logging_.MAX_KEY_PREFIX_LENGTH
    members = [name for name in SHAPES["LoggingConfig"].members if name.endswith("DataDeliveryEnabled")]
    assert sorted(members) == sorted(f"{kind}DataDeliveryEnabled" for kind in ALL_KINDS)
    logs = botocore.session.get_session().get_service_model("logs").shape_for("LogGroupName").metadata
    assert logs["pattern"] == r"[\.\-_/#A-Za-z0-9]+"


def test_the_argument_spec_has_an_option_per_kind_of_data():
    spec = logging_.logging_argument_spec()
    assert [name for name in spec if name.endswith("_data_delivery")] == [f"{kind}_data_delivery" for kind in ALL_KINDS]
    assert all(spec[f"{kind}_data_delivery"] == {"type": "bool"} for kind in ALL_KINDS)
    assert spec["cloudwatch"]["options"]["large_data_delivery_s3"]["options"] == spec["s3"]["options"]
    assert spec["cloudwatch"]["options"]["large_data_delivery_s3"]["options"] is not spec["s3"]["options"]


@pytest.mark.parametrize(
    "version, expected",
    [
        ("1.34.0", ("text", "image", "embedding")),
        ("1.35.74", ("text", "image", "embedding", "video")),
        ("1.42.1", ALL_KINDS),
    ],
)
def test_sendable_kinds_follow_the_boto3_version(version, expected):
    def at_least(needed):
        return tuple(map(int, version.split("."))) >= tuple(map(int, needed.split(".")))

    assert logging_.sendable_kinds(at_least) == expected


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({}, []),
        ({"text_data_delivery": False}, []),
        ({"video_data_delivery": False}, [("1.35.74", "to set video_data_delivery")]),
        (
            {"video_data_delivery": True, "audio_data_delivery": True},
            [("1.35.74", "to set video_data_delivery"), ("1.42.1", "to set audio_data_delivery")],
        ),
    ],
)
def test_boto3_needs_count_any_value_set(overrides, expected):
    assert logging_.logging_boto3_needs(task(**overrides)) == expected


@pytest.mark.parametrize(
    "params",
    [
        task(s3={"bucket_name": "my-logs", "key_prefix": None}),
        task(s3={"bucket_name": "my-logs", "key_prefix": "p" * 1024}),
        task(cloudwatch=cloudwatch()),
        task(cloudwatch=cloudwatch(log_group_name="a" * 512, role_arn="arn:aws-us-gov:iam::123456789012:role/x/y")),
        task(cloudwatch=cloudwatch(large_data_delivery_s3={"bucket_name": "big-logs", "key_prefix": "large/"})),
        task(state="absent"),
    ],
)
def test_check_logging_options_accepts(params):
    logging_.check_logging_options(params)


MODEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"


@pytest.mark.parametrize(
    "params, message",
    [
        (task(), "invocation logs need a destination: set cloudwatch, s3, or both"),
        (task(text_data_delivery=True), "invocation logs need a destination"),
        (
            task(state="absent", s3={"bucket_name": "my-logs"}, video_data_delivery=False),
            "state=absent deletes the configuration, so s3, video_data_delivery cannot be set with it",
        ),
        (task(cloudwatch=cloudwatch(role_arn=MODEL_ARN)), "cloudwatch.role_arn must be the ARN of an IAM role"),
        (
            task(cloudwatch=cloudwatch(role_arn="arn:aws:iam::123456789012:user/alice")),
            "cloudwatch.role_arn must be the ARN of an IAM role",
        ),
        (task(cloudwatch=cloudwatch(role_arn="bedrock-logging")), "cloudwatch.role_arn must be the ARN of an IAM role"),
        (task(cloudwatch=cloudwatch(log_group_name="")), "cloudwatch.log_group_name must be a log group name, not ''"),
        (
            task(cloudwatch=cloudwatch(log_group_name="a" * 513)),
            "cloudwatch.log_group_name is 513 characters long; log group names have at most 512",
        ),
        (
            task(cloudwatch=cloudwatch(log_group_name="bedrock logs")),
            "cloudwatch.log_group_name 'bedrock logs' is not a valid log group name: letters, digits",
        ),
        (
            task(cloudwatch=cloudwatch(large_data_delivery_s3={"bucket_name": "Big", "key_prefix": None})),
            "cloudwatch.large_data_delivery_s3.bucket_name 'Big' is not a valid bucket name",
        ),
        (
            task(cloudwatch=cloudwatch(large_data_delivery_s3={"bucket_name": "big", "key_prefix": "k" * 1025})),
            "cloudwatch.large_data_delivery_s3.key_prefix is 1025 characters long; Bedrock takes at most 1024",
        ),
        (task(s3={"bucket_name": "a" * 64}), "s3.bucket_name is 64 characters long"),
        (task(s3={"bucket_name": "logs", "key_prefix": "k" * 1025}), "s3.key_prefix is 1025 characters long"),
    ],
)
def test_check_logging_options_refuses_naming_the_option(params, message):
    with pytest.raises(BedrockParameterError) as excinfo:
        logging_.check_logging_options(params)
    assert message in str(excinfo.value)


FULL_CONFIG = {
    "cloudwatch": {
        "log_group_name": "/bedrock/invocations",
        "role_arn": ROLE,
        "large_data_delivery_s3": {"bucket_name": "big-logs", "key_prefix": "large/"},
    },
    "s3": {"bucket_name": "my-logs", "key_prefix": "bedrock/"},
    "text_data_delivery": True,
    "image_data_delivery": False,
    "embedding_data_delivery": True,
    "video_data_delivery": True,
    "audio_data_delivery": False,
}
FULL_REQUEST = {
    "cloudWatchConfig": {
        "logGroupName": "/bedrock/invocations",
        "roleArn": ROLE,
        "largeDataDeliveryS3Config": {"bucketName": "big-logs", "keyPrefix": "large/"},
    },
    "s3Config": {"bucketName": "my-logs", "keyPrefix": "bedrock/"},
    "textDataDeliveryEnabled": True,
    "imageDataDeliveryEnabled": False,
    "embeddingDataDeliveryEnabled": True,
    "videoDataDeliveryEnabled": True,
    "audioDataDeliveryEnabled": False,
}


def test_a_full_task_in_normal_form_and_as_sent():
    params = task(
        cloudwatch=cloudwatch(large_data_delivery_s3={"bucket_name": "big-logs", "key_prefix": "large/"}),
        s3={"bucket_name": "my-logs", "key_prefix": "bedrock/"},
        image_data_delivery=False,
        audio_data_delivery=False,
    )
    assert logging_.desired_logging_config(params, ALL_KINDS) == FULL_CONFIG
    assert logging_.build_logging_request(FULL_CONFIG) == FULL_REQUEST
    assert logging_.normal_logging_config(FULL_REQUEST, ALL_KINDS) == FULL_CONFIG


def test_unset_options_state_the_defaults():
    # A destination not given is not configured, an empty key prefix is none, and a kind not set is logged.
    params = task(s3={"bucket_name": "my-logs", "key_prefix": ""})
    expected = {"s3": {"bucket_name": "my-logs"}, "text_data_delivery": True, "image_data_delivery": True}
    assert logging_.desired_logging_config(params, ("text", "image")) == expected
    assert logging_.build_logging_request(expected) == {
        "s3Config": {"bucketName": "my-logs"},
        "textDataDeliveryEnabled": True,
        "imageDataDeliveryEnabled": True,
    }


@pytest.mark.parametrize(
    "reply, kinds, expected",
    [
        (None, ALL_KINDS, {}),
        ({}, ALL_KINDS, {}),
        # What the service left out is not logged; what the task's boto3 cannot send is not compared.
        (
            {"s3Config": {"bucketName": "b", "keyPrefix": ""}},
            ("text",),
            {"s3": {"bucket_name": "b"}, "text_data_delivery": False},
        ),
        (
            {"cloudWatchConfig": {"logGroupName": "g", "roleArn": ROLE}, "videoDataDeliveryEnabled": True},
            ("text", "video"),
            {
                "cloudwatch": {"log_group_name": "g", "role_arn": ROLE},
                "text_data_delivery": False,
                "video_data_delivery": True,
            },
        ),
        (FULL_REQUEST, ("text",), {key: FULL_CONFIG[key] for key in ("cloudwatch", "s3", "text_data_delivery")}),
    ],
)
def test_normal_logging_config(reply, kinds, expected):
    assert logging_.normal_logging_config(reply, kinds) == expected


def test_the_same_configuration_compares_equal_whatever_the_reply_adds():
    # Members the module does not know, and an empty key prefix, change nothing in the normal form.
    reply = dict(FULL_REQUEST, someFutureMember={"x": 1})
    reply["s3Config"] = dict(reply["s3Config"], somethingNew=True)
    assert logging_.normal_logging_config(reply, ALL_KINDS) == FULL_CONFIG


# Tasks the checks accept: every option in its possible shapes, values kept within what the checks allow.
buckets = st.from_regex(r"[a-z0-9]([a-z0-9-]{1,20}\.)?[a-z0-9-]{1,20}[a-z0-9]", fullmatch=True).filter(
    lambda name: not name.startswith(common.RESERVED_BUCKET_PREFIXES)
    and not name.endswith(common.RESERVED_BUCKET_SUFFIXES)
)
prefixes = st.none() | st.text(max_size=30)
s3_options = st.fixed_dictionaries({"bucket_name": buckets, "key_prefix": prefixes})
cloudwatch_options = st.fixed_dictionaries(
    {
        "log_group_name": st.from_regex(r"[.\-_/#A-Za-z0-9]{1,40}", fullmatch=True),
        "role_arn": st.from_regex(r"arn:aws:iam::[0-9]{12}:role/[a-z]{1,10}", fullmatch=True),
        "large_data_delivery_s3": st.none() | s3_options,
    }
)
tasks = st.fixed_dictionaries(
    {
        "state": st.just("present"),
        "cloudwatch": st.none() | cloudwatch_options,
        "s3": st.none() | s3_options,
        **{logging_.delivery_option(kind): st.none() | st.booleans() for kind in ALL_KINDS},
    }
).filter(lambda params: params["cloudwatch"] or params["s3"])
kind_sets = st.sampled_from([ALL_KINDS[:3], ALL_KINDS[:4], ALL_KINDS])


@PROPERTY_SETTINGS
@given(params=tasks, kinds=kind_sets)
def test_what_is_sent_reads_back_as_the_same_configuration(params, kinds):
    # Put what a task states, Get it back: the normal forms are equal, so the task run again sends nothing.
    logging_.check_logging_options(params)
    desired = logging_.desired_logging_config(params, kinds)
    request = logging_.build_logging_request(desired)
    assert logging_.normal_logging_config(request, kinds) == desired
    report = ParamValidator().validate(
        {"loggingConfig": request},
        SERVICE_MODEL.operation_model("PutModelInvocationLoggingConfiguration").input_shape,
    )
    assert not report.has_errors(), report.generate_report()


# Options as ansible-core hands them over: any text where a string goes, sub-options present or None.
any_text = st.none() | st.text(max_size=80)
any_s3 = st.none() | st.fixed_dictionaries({"bucket_name": any_text, "key_prefix": any_text})
any_task = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["present", "absent"]),
        "cloudwatch": st.none()
        | st.fixed_dictionaries({"log_group_name": any_text, "role_arn": any_text, "large_data_delivery_s3": any_s3}),
        "s3": any_s3,
        **{logging_.delivery_option(kind): st.none() | st.booleans() for kind in ALL_KINDS},
    }
)


@PROPERTY_SETTINGS
@given(params=any_task)
def test_any_task_is_accepted_whole_or_refused_with_the_modules_error(params):
    try:
        logging_.check_logging_options(params)
    except BedrockParameterError as error:
        assert str(error)
        return
    # Accepted: what it states can be sent.
    request = logging_.build_logging_request(logging_.desired_logging_config(params, ALL_KINDS))
    report = ParamValidator().validate(
        {"loggingConfig": request},
        SERVICE_MODEL.operation_model("PutModelInvocationLoggingConfiguration").input_shape,
    )
    assert not report.has_errors(), report.generate_report()
