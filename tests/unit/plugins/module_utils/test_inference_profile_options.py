# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inference profile modules' options: their checks, the model source, the request, the normal form, the result."""

from __future__ import annotations

import datetime
import re

import botocore.session
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import inference_profile_options as options
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, database=None)
ACCOUNT = "123456789012"
SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
MODEL_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
SYSTEM_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{SONNET}"
APP_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/a1b2c3d4e5f6"


def _shape(name):
    return botocore.session.get_session().get_service_model("bedrock").shape_for(name)


# The service model's own patterns and limits, which the checks must agree with.
NAME_SHAPE = _shape("InferenceProfileName")
DESCRIPTION_SHAPE = _shape("InferenceProfileDescription")
TOKEN_SHAPE = _shape("IdempotencyToken")
SOURCE_SHAPE = _shape("InferenceProfileModelSourceArn")


def task(**overrides):
    params = dict(name="team-a", state="present", model_source=None, description=None, recreate=False)
    params.update(tags=None, purge_tags=True)
    params.update(overrides)
    return params


def test_the_checks_use_the_service_model_s_patterns_and_limits():
    assert options.NAME_PATTERN.pattern == NAME_SHAPE.metadata["pattern"]
    assert options.MAX_NAME_LENGTH == NAME_SHAPE.metadata["max"]
    assert options.DESCRIPTION_PATTERN.pattern == DESCRIPTION_SHAPE.metadata["pattern"]
    assert options.MAX_DESCRIPTION_LENGTH == DESCRIPTION_SHAPE.metadata["max"]
    assert options.MAX_ARN_LENGTH == SOURCE_SHAPE.metadata["max"]


# ---------------------------------------------------------------------------------------------- check_profile_params

VALID = [
    {},
    {"name": "a"},
    {"name": "Team A_b-1"},
    {"name": "x" * 64},
    {"description": "Team A: chat 2.0"},
    {"description": "d" * 200},
    {"model_source": HAIKU},
    {"model_source": f"us.{SONNET}"},
    {"model_source": MODEL_ARN},
    {"model_source": SYSTEM_ARN},
    {"model_source": f"arn:aws-us-gov:bedrock:us-gov-west-1:{ACCOUNT}:inference-profile/us-gov.{SONNET}"},
    {"tags": {"team": "a", "cost-center": "4711", "empty": ""}},
    {"state": "absent", "description": "not checked: absent ignores it"},
]


@pytest.mark.parametrize("overrides", VALID)
def test_valid_tasks_pass(overrides):
    options.check_profile_params(task(**overrides))


INVALID = [
    ({"name": ""}, "name must be an inference profile name"),
    ({"name": None}, "name must be an inference profile name"),
    ({"name": "x" * 65}, "name is 65 characters long; inference profile names have at most 64"),
    ({"name": "team a!"}, "name 'team a!' is not a valid inference profile name: letters and digits"),
    ({"name": "-team"}, "is not a valid inference profile name"),
    ({"name": "team--a"}, "is not a valid inference profile name"),
    ({"name": "équipe"}, "is not a valid inference profile name"),
    ({"name": "team-a\n"}, "is not a valid inference profile name"),
    ({"description": ""}, "description must be a profile description"),
    ({"description": "d" * 201}, "description is 201 characters long; profile descriptions have at most 200"),
    ({"description": "Team A's bot"}, 'description "Team A\'s bot" is not a valid profile description'),
    ({"description": "two  spaces"}, "is not a valid profile description"),
    ({"model_source": ""}, "model_source must be a model or inference profile id or ARN"),
    ({"model_source": "anthropic claude"}, "model_source 'anthropic claude' is not a model or inference profile id"),
    ({"model_source": "a" * 2049}, "model_source is 2049 characters long; Bedrock accepts at most 2048"),
    ({"model_source": "arn:aws:iam::123456789012:role/bedrock"}, "is not a Bedrock ARN"),
    ({"model_source": "arn:aws:s3:::bucket/foundation-model/x"}, "is not a Bedrock ARN"),
    ({"model_source": "arn:nope"}, "is not a Bedrock ARN"),
    ({"model_source": APP_ARN}, "is an application inference profile, which cannot be copied"),
    (
        {"model_source": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/x.y/abcdefghijkl"},
        "is not the ARN of a foundation model",
    ),
    ({"model_source": "arn:aws:bedrock:us-east-1::foundation-model/has space"}, "is not the ARN of a foundation model"),
    ({"tags": {"team": 1}}, "tags: the value of 'team' must be a string"),
    ({"tags": {"bad!key": "x"}}, "tags: key 'bad!key' must be 1 to 128"),
    ({"tags": {f"k{i}": "v" for i in range(201)}}, "tags has 201 entries; an inference profile takes at most 200"),
    ({"state": "absent", "recreate": True}, "recreate applies to state=present only"),
    ({"state": "absent", "name": "bad name!"}, "is not a valid inference profile name"),
]


@pytest.mark.parametrize("overrides, message", INVALID, ids=[message[:40] for dummy, message in INVALID])
def test_invalid_tasks_are_refused_naming_the_option(overrides, message):
    with pytest.raises(BedrockParameterError) as caught:
        options.check_profile_params(task(**overrides))
    assert message in str(caught.value)


@PROPERTY_SETTINGS
@given(
    name=st.one_of(st.none(), st.text(max_size=80)),
    description=st.one_of(st.none(), st.text(max_size=220)),
    source=st.one_of(st.none(), st.text(max_size=100), st.text().map(lambda tail: "arn:aws:bedrock:" + tail)),
)
def test_checks_refuse_only_with_their_own_error(name, description, source):
    params = task(name=name, description=description, model_source=source)
    try:
        options.check_profile_params(params)
    except BedrockParameterError:
        return
    # What passes, Bedrock's own patterns accept.
    assert NAME_SHAPE.metadata["min"] <= len(name) <= NAME_SHAPE.metadata["max"]
    assert re.fullmatch(NAME_SHAPE.metadata["pattern"], name)
    if description is not None:
        assert re.fullmatch(DESCRIPTION_SHAPE.metadata["pattern"], description)


# ---------------------------------------------------------------------------------------------- model_source


@pytest.mark.parametrize(
    "value, region, partition, expected",
    [
        (HAIKU, "us-east-1", "aws", (options.FOUNDATION_MODEL, MODEL_ARN)),
        (
            HAIKU,
            "cn-north-1",
            "aws-cn",
            (options.FOUNDATION_MODEL, f"arn:aws-cn:bedrock:cn-north-1::foundation-model/{HAIKU}"),
        ),
        (MODEL_ARN, "us-east-1", "aws", (options.FOUNDATION_MODEL, MODEL_ARN)),
        (f"us.{SONNET}", "us-east-1", "aws", (options.SYSTEM_PROFILE, f"us.{SONNET}")),
        (f"global.{SONNET}", "eu-west-1", "aws", (options.SYSTEM_PROFILE, f"global.{SONNET}")),
        (f"apac.{SONNET}", "ap-south-1", "aws", (options.SYSTEM_PROFILE, f"apac.{SONNET}")),
        (f"us-gov.{SONNET}", "us-gov-west-1", "aws-us-gov", (options.SYSTEM_PROFILE, f"us-gov.{SONNET}")),
        (SYSTEM_ARN, "us-east-1", "aws", (options.SYSTEM_PROFILE, SYSTEM_ARN)),
        # "meta." is a provider, not a geography: a foundation model.
        (
            "meta.llama3-8b-instruct-v1:0",
            "us-west-2",
            "aws",
            (
                options.FOUNDATION_MODEL,
                "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-8b-instruct-v1:0",
            ),
        ),
    ],
)
def test_model_source_is_resolved_in_the_task_s_region(value, region, partition, expected):
    source = options.model_source(value, region, partition)
    assert tuple(source) == expected
    if source.identifier.startswith("arn:"):
        assert re.fullmatch(SOURCE_SHAPE.metadata["pattern"], source.identifier)


@pytest.mark.parametrize(
    "value",
    [
        MODEL_ARN.replace("us-east-1", "us-west-2"),
        SYSTEM_ARN.replace("us-east-1", "eu-west-1"),
        f"arn:aws:bedrock:::foundation-model/{HAIKU}",
    ],
)
def test_a_model_source_of_another_region_is_refused(value):
    with pytest.raises(BedrockParameterError, match=r"but the task runs in 'us-east-1': Bedrock copies"):
        options.model_source(value, "us-east-1", "aws")


# ---------------------------------------------------------------------------------------------- the info module's checks


@pytest.mark.parametrize("identifier", ["a1b2c3d4e5f6", f"us.{SONNET}", SYSTEM_ARN, APP_ARN])
def test_an_identifier_is_an_id_or_a_profile_arn(identifier):
    options.check_info_params({"identifier": identifier, "name": None})


@pytest.mark.parametrize(
    "params, message",
    [
        ({"identifier": MODEL_ARN}, "is not the ARN of an inference profile"),
        ({"identifier": "arn:aws:iam::123456789012:role/x"}, "is not the ARN of an inference profile"),
        ({"identifier": "has space"}, "is not an inference profile id"),
        ({"identifier": ""}, "identifier must be an inference profile id or ARN"),
        ({"name": "bad name!"}, "name 'bad name!' is not a valid inference profile name"),
    ],
)
def test_info_checks_name_the_option(params, message):
    with pytest.raises(BedrockParameterError, match=re.escape(message)):
        options.check_info_params(dict({"identifier": None, "name": None}, **params))


# ---------------------------------------------------------------------------------------------- request and token

WANTED = {
    "inference_profile_name": "team-a",
    "description": "Team A",
    "models": [MODEL_ARN],
    "tags": {"b": "2", "a": "1"},
}


def test_the_create_request_holds_the_wanted_form():
    assert options.build_create_request(WANTED, MODEL_ARN) == {
        "inferenceProfileName": "team-a",
        "description": "Team A",
        "modelSource": {"copyFrom": MODEL_ARN},
        "tags": [{"key": "b", "value": "2"}, {"key": "a", "value": "1"}],
    }
    bare = {"inference_profile_name": "team-a", "models": [MODEL_ARN], "tags": {}}
    assert options.build_create_request(bare, MODEL_ARN) == {
        "inferenceProfileName": "team-a",
        "modelSource": {"copyFrom": MODEL_ARN},
    }


def test_the_token_is_the_task_s_and_differs_after_a_delete():
    request = options.build_create_request(WANTED, MODEL_ARN)
    token = options.profile_token(request)
    assert token == options.profile_token(dict(request))
    assert re.fullmatch(TOKEN_SHAPE.metadata["pattern"], token) and len(token) <= TOKEN_SHAPE.metadata["max"]
    others = {
        options.profile_token(dict(request, description="Team B")),
        options.profile_token(dict(request, tags=[{"key": "a", "value": "1"}])),
        options.profile_token(request, replaces=APP_ARN),
        options.profile_token(request, answered=APP_ARN),
        options.profile_token(request, replaces=APP_ARN, answered=APP_ARN.replace("a1b2", "ffff")),
    }
    assert token not in others and len(others) == 5


# ---------------------------------------------------------------------------------------------- normal form

WHEN = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc)
SUMMARY = {
    "inferenceProfileName": "team-a",
    "description": "Team A",
    "createdAt": WHEN,
    "updatedAt": WHEN,
    "inferenceProfileArn": APP_ARN,
    "models": [{"modelArn": MODEL_ARN.replace("us-east-1", "us-west-2")}, {"modelArn": MODEL_ARN}],
    "inferenceProfileId": "a1b2c3d4e5f6",
    "status": "ACTIVE",
    "type": "APPLICATION",
}


def test_normal_form_sorts_the_models_and_keeps_the_tags():
    assert options.normal_form(SUMMARY, {"team": "a"}) == {
        "inference_profile_name": "team-a",
        "description": "Team A",
        "models": [MODEL_ARN, MODEL_ARN.replace("us-east-1", "us-west-2")],
        "tags": {"team": "a"},
    }
    assert options.normal_form(None, None) == {}
    assert "description" not in options.normal_form(dict(SUMMARY, description=None), {})


@pytest.mark.parametrize(
    "overrides, models, tags, expected_changes",
    [
        ({}, None, {"team": "a"}, {}),
        ({"description": "Team B"}, None, {"team": "a"}, {"description": "Team B"}),
        ({}, [MODEL_ARN], {}, {"models": [MODEL_ARN], "tags": {}}),
        ({"name": "team-a"}, None, {"x": "y"}, {"tags": {"x": "y"}}),
    ],
)
def test_the_wanted_form_keeps_what_the_task_leaves_unset(overrides, models, tags, expected_changes):
    current = options.normal_form(SUMMARY, {"team": "a"})
    assert options.wanted_form(task(**overrides), current, models, tags) == dict(current, **expected_changes)


@pytest.mark.parametrize(
    "changes, named",
    [
        ({}, []),
        ({"tags": {"other": "x"}}, []),
        ({"models": [MODEL_ARN]}, ["model_source"]),
        ({"description": "Team B"}, ["description"]),
        ({"description": None, "models": []}, ["model_source", "description"]),
    ],
)
def test_immutable_differences_name_the_options(changes, named):
    current = options.normal_form(SUMMARY, {"team": "a"})
    differences = options.immutable_differences(current, dict(current, **changes))
    assert [difference.split(" ")[0] for difference in differences] == named
    if "description" in named:
        assert "('Team A', not " in differences[-1]


def test_a_profile_is_described_in_snake_case_with_iso_times():
    described = options.describe_profile(dict(SUMMARY, ResponseMetadata={"RequestId": "r"}), {"team": "a"})
    assert described == {
        "inference_profile_name": "team-a",
        "description": "Team A",
        "created_at": "2026-01-31T09:00:00+00:00",
        "updated_at": "2026-01-31T09:00:00+00:00",
        "inference_profile_arn": APP_ARN,
        "models": [{"model_arn": MODEL_ARN.replace("us-east-1", "us-west-2")}, {"model_arn": MODEL_ARN}],
        "inference_profile_id": "a1b2c3d4e5f6",
        "status": "ACTIVE",
        "type": "APPLICATION",
        "tags": {"team": "a"},
    }
    assert "tags" not in options.describe_profile(SUMMARY)


def test_check_mode_describes_the_profile_it_would_create():
    assert options.planned_profile(WANTED) == {
        "inference_profile_name": "team-a",
        "type": "APPLICATION",
        "description": "Team A",
        "models": [{"model_arn": MODEL_ARN}],
        "tags": {"b": "2", "a": "1"},
    }


@pytest.mark.parametrize(
    "params, subject",
    [({"name": "team-a"}, "inference profile 'team-a'"), ({"name": ""}, None), ({"name": None}, None), ({}, None)],
)
def test_task_subject(params, subject):
    assert options.task_subject(params) == subject


def test_problems_say_what_the_task_must_change():
    assert options.differences_problem("a", ["model_source (x)", "description ('b', not 'c')"]) == (
        "inference profile 'a' exists with another model_source (x) and another description ('b', not 'c'), which "
        "Bedrock cannot change: set recreate=true to delete it and create it again (its ARN changes)"
    )
    assert "does not exist, and creating it needs model_source" in options.missing_source_problem("a", exists=False)
    assert "recreating inference profile 'a' needs model_source" in options.missing_source_problem("a", exists=True)
