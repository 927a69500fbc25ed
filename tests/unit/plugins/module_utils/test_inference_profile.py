# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Inference profiles: listing to the end, the system-defined profiles of each model, and the on-demand refusal.

The AWS calls go to botocore's Stubber, which checks each against the service model: the current one, or (for a
boto3 older than typeEquals) the same model with typeEquals taken out, as botocore 1.35.7 to 1.35.50 had it.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import json

import boto3
import botocore.session
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.exceptions import ClientError
from botocore.exceptions import NoRegionError
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import inference_profile as ip
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)
ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
NOVA = "amazon.nova-micro-v1:0"
WHEN = datetime.datetime(2024, 8, 27, tzinfo=datetime.timezone.utc)


def model_arn(model_id, region="us-east-1"):
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def system_summary(profile_id, *model_ids, regions=("us-east-1", "us-west-2")):
    return {
        "inferenceProfileName": f"profile {profile_id.replace(':', ' ').replace('.', ' ')}",
        "createdAt": WHEN,
        "updatedAt": WHEN,
        "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{profile_id}",
        "models": [{"modelArn": model_arn(model_id, region)} for model_id in model_ids for region in regions],
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


def application_summary(profile_id, model_id):
    summary = system_summary(profile_id, model_id, regions=("us-east-1",))
    summary.update(
        inferenceProfileName=f"app-{profile_id}",
        inferenceProfileArn=f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/{profile_id}",
        type="APPLICATION",
    )
    return summary


def stubbed(client):
    return RetryingBotoClientWrapper(client, retry_decorator()), Stubber(client)


@pytest.fixture(name="bedrock")
def fixture_bedrock():
    """A retrying bedrock client of the installed boto3, and its Stubber."""
    return stubbed(boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"))


def bedrock_client_without(tmp_path, operations=(), type_filter=True):
    """A bedrock client whose service model lacks operations (and ListInferenceProfiles' typeEquals unless
    type_filter), as an older botocore's: a call it lacks fails botocore's own checks."""
    session = botocore.session.get_session()
    model = session.get_component("data_loader").load_service_model("bedrock", "service-2")
    for name in operations:
        del model["operations"][name]
    if not type_filter:
        del model["shapes"]["ListInferenceProfilesRequest"]["members"]["typeEquals"]
    folder = tmp_path / "bedrock" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    old = botocore.session.get_session()
    old.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    return old.create_client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")


# ---------------------------------------------------------------------------------------------- model_id_of


@pytest.mark.parametrize(
    "model, expected",
    [
        (model_arn(HAIKU), HAIKU),
        (f"arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/{NOVA}", NOVA),
        (HAIKU, HAIKU),
        (f"us.{HAIKU}", f"us.{HAIKU}"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{HAIKU}", None),
        ("foundation-model/x", "foundation-model/x"),  # not an ARN
    ],
)
def test_model_id_of_takes_the_id_out_of_a_foundation_model_arn_only(model, expected):
    assert ip.model_id_of(model) == (model if expected is None else expected)


# ---------------------------------------------------------------------------------------------- list_profiles


def test_list_profiles_follows_every_page_retrying_a_busy_one(bedrock, no_sleep):
    client, stub = bedrock
    pages = [[system_summary(f"us.{NOVA}", NOVA)], [system_summary(f"eu.{NOVA}", NOVA)], [system_summary("x.y", HAIKU)]]
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": pages[0], "nextToken": "t1"},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    stub.add_client_error("list_inference_profiles", "ThrottlingException", http_status_code=429)
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": pages[1], "nextToken": "t2"},
        {"typeEquals": "SYSTEM_DEFINED", "nextToken": "t1"},
    )
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": pages[2]},
        {"typeEquals": "SYSTEM_DEFINED", "nextToken": "t2"},
    )
    with stub:
        listed = list(ip.list_profiles(client, ip.SYSTEM_DEFINED))
    stub.assert_no_pending_responses()
    assert [summary["inferenceProfileId"] for summary in listed] == [f"us.{NOVA}", f"eu.{NOVA}", "x.y"]
    assert len(no_sleep) == 1  # the throttled page was asked again once


def test_list_profiles_keeps_only_the_type_asked(bedrock):
    client, stub = bedrock
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [system_summary(f"us.{NOVA}", NOVA), application_summary("abc123", NOVA)]},
        {"typeEquals": "APPLICATION"},
    )
    with stub:
        listed = list(ip.list_profiles(client, ip.APPLICATION))
    assert [summary["inferenceProfileId"] for summary in listed] == ["abc123"]


def test_list_profiles_fails_on_a_busy_service_after_the_retries(bedrock, no_sleep):
    client, stub = bedrock
    for dummy in range(12):
        stub.add_client_error("list_inference_profiles", "ServiceUnavailableException", http_status_code=503)
    with stub, pytest.raises(ClientError) as caught:
        list(ip.list_profiles(client, ip.SYSTEM_DEFINED))
    stub.assert_no_pending_responses()
    assert caught.value.response["Error"]["Code"] == "ServiceUnavailableException"
    assert len(no_sleep) == 11


def test_list_profiles_without_type_filter_lists_system_defined_only(tmp_path):
    client, stub = stubbed(bedrock_client_without(tmp_path, type_filter=False))
    stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": [system_summary("us.a.b", NOVA)]}, {})
    with stub:
        assert [s["inferenceProfileId"] for s in ip.list_profiles(client, ip.SYSTEM_DEFINED)] == ["us.a.b"]
        with pytest.raises(ValueError, match="needs boto3 >= 1.35.51"):
            list(ip.list_profiles(client, ip.APPLICATION))
    stub.assert_no_pending_responses()


# ---------------------------------------------------------------------------------------------- system_profiles_by_model


def test_system_profiles_by_model_maps_each_model_to_its_sorted_profiles(bedrock, no_sleep):
    client, stub = bedrock
    first = [system_summary(f"us.{SONNET}", SONNET), system_summary(f"global.{HAIKU}", HAIKU)]
    second = [
        system_summary(f"apac.{SONNET}", SONNET),
        system_summary(f"eu.{SONNET}", SONNET, regions=("eu-west-1", "eu-central-1", "eu-west-3")),
        system_summary("us.meta.both-v1:0", NOVA, HAIKU),
    ]
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": first, "nextToken": "n"},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    stub.add_client_error("list_inference_profiles", "ThrottlingException", http_status_code=429)
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": second},
        {"typeEquals": "SYSTEM_DEFINED", "nextToken": "n"},
    )
    with stub:
        by_model = ip.system_profiles_by_model(client)
    stub.assert_no_pending_responses()
    assert by_model == {
        HAIKU: [f"global.{HAIKU}", "us.meta.both-v1:0"],
        NOVA: ["us.meta.both-v1:0"],
        SONNET: [f"apac.{SONNET}", f"eu.{SONNET}", f"us.{SONNET}"],
    }
    assert list(by_model) == sorted(by_model)
    assert len(no_sleep) == 1


def test_system_profiles_by_model_of_an_empty_listing_is_empty(bedrock):
    client, stub = bedrock
    stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "SYSTEM_DEFINED"})
    with stub:
        assert ip.system_profiles_by_model(client) == {}


def test_system_profiles_by_model_with_a_boto3_older_than_type_filter(tmp_path):
    client, stub = stubbed(bedrock_client_without(tmp_path, type_filter=False))
    stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": [system_summary("us.x", NOVA)]}, {})
    with stub:
        assert ip.system_profiles_by_model(client) == {NOVA: ["us.x"]}


@pytest.mark.parametrize(
    "operations, type_filter, expected",
    [
        ((), True, True),
        ((), False, True),
        (("ListInferenceProfiles", "GetInferenceProfile"), False, False),
    ],
)
def test_lists_inference_profiles_reads_the_client_service_model(tmp_path, operations, type_filter, expected):
    client = RetryingBotoClientWrapper(bedrock_client_without(tmp_path, operations, type_filter), retry_decorator())
    assert ip.lists_inference_profiles(client) is expected


# ---------------------------------------------------------------------------------------------- the on-demand refusal

REFUSAL = (
    "Invocation of model ID {} with on-demand throughput isn{}t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)


@pytest.mark.parametrize(
    "message, expected",
    [
        (REFUSAL.format(SONNET, "'"), SONNET),
        (REFUSAL.format(SONNET, "\u2019"), SONNET),
        (REFUSAL.format(model_arn(SONNET), "'"), SONNET),
        (
            "An error occurred (ValidationException) when calling the InvokeModel operation: "
            + REFUSAL.format(NOVA, "'"),
            NOVA,
        ),
        ("The provided model identifier is invalid.", None),
        ("Malformed input request: #: required key [messages] not found", None),
        ("model ID x with on-demand throughput is supported", None),
        ("", None),
    ],
)
def test_refused_on_demand_finds_the_model_bedrock_named(message, expected):
    assert ip.refused_on_demand(message) == expected


@PROPERTY_SETTINGS
@given(st.text())
def test_refused_on_demand_never_raises_and_finds_no_model_in_other_text(text):
    found = ip.refused_on_demand(text)
    assert found is None or ("on-demand throughput isn" in text and found in text)


@PROPERTY_SETTINGS
@given(st.from_regex(r"[a-z0-9-]{1,12}\.[a-z0-9-]{1,20}(:[0-9]{1,2})?", fullmatch=True))
def test_refused_on_demand_round_trips_any_model_id(model_id):
    assert ip.refused_on_demand(REFUSAL.format(model_id, "'")) == model_id
    assert ip.refused_on_demand(REFUSAL.format(model_arn(model_id, "eu-west-3"), "\u2019")) == model_id


@pytest.mark.parametrize(
    "by_model, expected",
    [
        (
            {SONNET: [f"eu.{SONNET}", f"us.{SONNET}"]},
            f"system-defined inference profiles that carry {SONNET}: eu.{SONNET}, us.{SONNET}",
        ),
        ({NOVA: ["us.x"]}, f"no system-defined inference profile in this Region carries {SONNET}"),
        ({}, f"no system-defined inference profile in this Region carries {SONNET}"),
    ],
)
def test_profile_hint_names_the_profiles_or_says_there_are_none(by_model, expected):
    assert ip.profile_hint(SONNET, by_model) == expected


# ---------------------------------------------------------------------------------------------- ProfileHints


def runtime_error(code, message, operation="InvokeModel"):
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


ON_DEMAND = runtime_error("ValidationException", REFUSAL.format(SONNET, "\u2019"))


class Builds:
    """make_client() for ProfileHints: hands out client, counting how often it is asked."""

    def __init__(self, client):
        self.client = client
        self.count = 0

    def __call__(self):
        self.count += 1
        if isinstance(self.client, Exception):
            raise self.client
        return self.client


@pytest.mark.parametrize(
    "error",
    [
        runtime_error("ValidationException", "Malformed input request"),
        runtime_error("AccessDeniedException", REFUSAL.format(SONNET, "'")),
        runtime_error("ThrottlingException", "Too many requests"),
        ValueError(REFUSAL.format(SONNET, "'")),
    ],
)
def test_hints_leave_other_errors_alone_without_listing(bedrock, error):
    client, stub = bedrock
    builds = Builds(client)
    with stub:
        assert ip.ProfileHints(builds).for_error(error) is None
    assert builds.count == 0


def test_hints_list_once_for_every_refusal_of_the_task(bedrock):
    client, stub = bedrock
    listing = [system_summary(f"us.{SONNET}", SONNET), system_summary(f"global.{SONNET}", SONNET)]
    stub.add_response(
        "list_inference_profiles", {"inferenceProfileSummaries": listing}, {"typeEquals": "SYSTEM_DEFINED"}
    )
    builds = Builds(client)
    hints = ip.ProfileHints(builds)
    nova_refused = runtime_error("ValidationException", REFUSAL.format(NOVA, "'"), "Converse")
    with stub:
        first = hints.for_error(ON_DEMAND)
        again = hints.for_error(ON_DEMAND)
        other = hints.for_error(nova_refused)
    stub.assert_no_pending_responses()
    assert first == again == f"system-defined inference profiles that carry {SONNET}: global.{SONNET}, us.{SONNET}"
    assert other == f"no system-defined inference profile in this Region carries {NOVA}"
    assert builds.count == 1


def test_hints_list_once_however_many_threads_ask(bedrock):
    client, stub = bedrock
    stub.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [system_summary(f"us.{SONNET}", SONNET)]},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    hints = ip.ProfileHints(Builds(client))
    with stub, concurrent.futures.ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda dummy: hints.for_error(ON_DEMAND), range(32)))
    stub.assert_no_pending_responses()  # one listing, or the Stubber would have refused the second
    assert set(found) == {f"system-defined inference profiles that carry {SONNET}: us.{SONNET}"}


def test_hints_give_up_quietly_when_the_listing_fails(bedrock, no_sleep):
    client, stub = bedrock
    stub.add_client_error("list_inference_profiles", "AccessDeniedException", http_status_code=403)
    hints = ip.ProfileHints(Builds(client))
    with stub:
        assert hints.for_error(ON_DEMAND) is None
        assert hints.for_error(ON_DEMAND) is None  # not listed again: the Stubber has nothing more queued
    stub.assert_no_pending_responses()


def test_hints_give_up_quietly_when_no_client_can_be_built():
    builds = Builds(NoRegionError())
    hints = ip.ProfileHints(builds)
    assert hints.for_error(ON_DEMAND) is None and hints.for_error(ON_DEMAND) is None
    assert builds.count == 1


def test_hints_need_a_boto3_that_lists_profiles(tmp_path):
    old = bedrock_client_without(tmp_path, ("ListInferenceProfiles", "GetInferenceProfile"), type_filter=False)
    client, stub = stubbed(old)
    with stub:
        assert ip.ProfileHints(Builds(client)).for_error(ON_DEMAND) is None
