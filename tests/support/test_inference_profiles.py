# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake inference profile API: create, get, list, delete, the service's checks, regions and tags.

Driven through real boto3 ``bedrock`` clients (botocore checks required members and minimum lengths itself, so what
it would refuse is sent raw).
"""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from . import bedrock_endpoint as be
from .batch_helpers import clients
from .batch_helpers import control
from .fake_bedrock import catalogue
from .fake_bedrock import profile_rules
from .fake_bedrock.control_plane import ServiceError
from .helpers import raw_request
from .helpers import recorded
from .helpers import reset

HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0"
US_HAIKU_ARN = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{HAIKU}"
NOVA_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
APP_ARN_PREFIX = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/"
SUMMARY_MEMBERS = {
    "inferenceProfileName",
    "description",
    "createdAt",
    "updatedAt",
    "inferenceProfileArn",
    "models",
    "inferenceProfileId",
    "status",
    "type",
}


def client_error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**kwargs)
    return info.value.response


def create(bedrock: Any, name: str = "team-a", source: str = US_HAIKU_ARN, **extra: Any) -> str:
    return bedrock.create_inference_profile(inferenceProfileName=name, modelSource={"copyFrom": source}, **extra)[
        "inferenceProfileArn"
    ]


def applications(bedrock: Any) -> list[dict[str, Any]]:
    pages = bedrock.get_paginator("list_inference_profiles").paginate(typeEquals="APPLICATION")
    return [summary for page in pages for summary in page["inferenceProfileSummaries"]]


def test_create_get_list_and_delete(server: be.BedrockServer, bedrock: Any) -> None:
    tags = [{"key": "team", "value": "a"}, {"key": "cost-center", "value": "42"}]
    response = bedrock.create_inference_profile(
        inferenceProfileName="team-a", description="Team A: Claude 3.5 Haiku", modelSource={"copyFrom": US_HAIKU_ARN},
        tags=tags,
    )  # fmt: skip
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert set(response) == {"inferenceProfileArn", "status", "ResponseMetadata"} and response["status"] == "ACTIVE"
    arn = response["inferenceProfileArn"]
    profile_id = arn.rsplit("/", 1)[1]
    assert arn == APP_ARN_PREFIX + profile_id and len(profile_id) == 12 and profile_id.isalnum()
    by_arn = bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    by_id = bedrock.get_inference_profile(inferenceProfileIdentifier=profile_id)
    del by_arn["ResponseMetadata"], by_id["ResponseMetadata"]
    assert by_arn == by_id
    assert set(by_arn) == SUMMARY_MEMBERS
    assert (by_arn["inferenceProfileName"], by_arn["description"]) == ("team-a", "Team A: Claude 3.5 Haiku")
    assert (by_arn["inferenceProfileId"], by_arn["type"], by_arn["status"]) == (profile_id, "APPLICATION", "ACTIVE")
    # A copy of a system-defined profile carries its model in every region the system profile routes to.
    assert by_arn["models"] == [
        {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{HAIKU}"}
        for region in ("us-east-1", "us-east-2", "us-west-2")
    ]
    assert by_arn["createdAt"] == by_arn["updatedAt"]
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == tags
    listed = applications(bedrock)
    assert [item["inferenceProfileArn"] for item in listed] == [arn]
    assert listed[0] == by_arn
    bedrock.delete_inference_profile(inferenceProfileIdentifier=profile_id)
    assert client_error(bedrock.get_inference_profile, inferenceProfileIdentifier=arn)["Error"]["Code"] == (
        "ResourceNotFoundException"
    )
    assert client_error(bedrock.list_tags_for_resource, resourceARN=arn)["Error"]["Code"] == "ResourceNotFoundException"
    assert applications(bedrock) == []
    operations = [item["operation"] for item in recorded(server)]
    assert operations[0] == "CreateInferenceProfile" and "DeleteInferenceProfile" in operations


def test_a_copy_of_a_foundation_model_has_that_model_only(bedrock: Any) -> None:
    arn = create(bedrock, "nova", NOVA_ARN)
    profile = bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    assert profile["models"] == [{"modelArn": NOVA_ARN}]
    assert "description" not in profile


def test_the_list_shows_system_profiles_unless_asked_for_applications(bedrock: Any) -> None:
    arn = create(bedrock)
    pages = bedrock.get_paginator("list_inference_profiles").paginate()
    listed = [summary for page in pages for summary in page["inferenceProfileSummaries"]]
    # Without typeEquals the service lists SYSTEM_DEFINED profiles only (aws/aws-cli#9728).
    assert {summary["type"] for summary in listed} == {"SYSTEM_DEFINED"}
    assert arn not in [summary["inferenceProfileArn"] for summary in listed]
    explicit = bedrock.get_paginator("list_inference_profiles").paginate(typeEquals="SYSTEM_DEFINED")
    assert [summary for page in explicit for summary in page["inferenceProfileSummaries"]] == listed


@pytest.mark.parametrize(
    "region, geographies",
    [
        ("us-east-1", {"us", "global"}),
        ("us-west-2", {"us", "global"}),
        ("eu-west-3", {"eu", "global"}),
        ("ap-south-1", {"apac", "global"}),
        ("ca-central-1", {"global"}),
    ],
)
def test_system_profiles_seen_from_each_region(server: be.BedrockServer, region: str, geographies: set[str]) -> None:
    reset(server)
    bedrock = clients(server.url, region=region)[0]
    pages = bedrock.get_paginator("list_inference_profiles").paginate()
    listed = [summary for page in pages for summary in page["inferenceProfileSummaries"]]
    expected = [p.profile_id for p in catalogue.SYSTEM_PROFILES if p.geography in geographies]
    assert [summary["inferenceProfileId"] for summary in listed] == expected
    for summary in listed:
        assert summary["inferenceProfileArn"] == f"arn:aws:bedrock:{region}:123456789012:inference-profile/" + (
            summary["inferenceProfileId"]
        )
        assert 1 <= len(summary["models"]) <= 5
        got = bedrock.get_inference_profile(inferenceProfileIdentifier=summary["inferenceProfileId"])
        assert got["inferenceProfileArn"] == summary["inferenceProfileArn"]


def test_pages_must_be_read_to_the_end(server: be.BedrockServer, bedrock: Any) -> None:
    arns = [create(bedrock, f"profile-{index:02d}", NOVA_ARN) for index in range(12)]
    first = bedrock.list_inference_profiles(typeEquals="APPLICATION")
    # Ten a page when the request says nothing: a client that does not follow nextToken misses some.
    assert len(first["inferenceProfileSummaries"]) == 10 and first["nextToken"]
    assert [summary["inferenceProfileArn"] for summary in applications(bedrock)] == arns
    pages = list(bedrock.get_paginator("list_inference_profiles").paginate(typeEquals="APPLICATION", PaginationConfig={"PageSize": 5}))  # fmt: skip
    assert [len(page["inferenceProfileSummaries"]) for page in pages] == [5, 5, 2]
    assert "nextToken" not in pages[-1]
    assert control(server, "POST", "/_test/inference-profiles/config", {"default_page_size": 3}) == {
        "default_page_size": 3
    }
    pages = list(bedrock.get_paginator("list_inference_profiles").paginate(typeEquals="APPLICATION"))
    assert len(pages) == 4
    # A profile deleted between two pages does not make the next page skip or repeat one.
    token = bedrock.list_inference_profiles(typeEquals="APPLICATION", maxResults=4)["nextToken"]
    bedrock.delete_inference_profile(inferenceProfileIdentifier=arns[3])
    rest = bedrock.list_inference_profiles(typeEquals="APPLICATION", maxResults=4, nextToken=token)
    assert [summary["inferenceProfileArn"] for summary in rest["inferenceProfileSummaries"]] == arns[4:8]


@pytest.mark.parametrize(
    "query, where",
    [
        ("type=BOTH", "typeEquals"),
        ("maxResults=1001", "maxResults"),
        ("maxResults=0", "maxResults"),
        ("maxResults=ten", "maxResults"),
        ("nextToken=not-ours", "nextToken"),
        ("nextToken=has%20space", "nextToken"),
        ("projectIdentifier=team%20x", "projectIdentifier"),
        ("sortBy=name", "sortBy"),
    ],
)
def test_list_validation(server: be.BedrockServer, query: str, where: str) -> None:
    status, headers, body = raw_request(server, "GET", "/inference-profiles?" + query)
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert where in json.loads(body)["message"] or "nextToken" in json.loads(body)["message"]


def test_projects(bedrock: Any, server: be.BedrockServer) -> None:
    assert bedrock.list_inference_profiles(projectIdentifier="default")["inferenceProfileSummaries"]
    got = bedrock.get_inference_profile(inferenceProfileIdentifier=f"us.{HAIKU}", projectIdentifier="default")
    assert got["inferenceProfileId"] == f"us.{HAIKU}"
    error = client_error(bedrock.list_inference_profiles, projectIdentifier="team-x")["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "The project team-x doesn't exist or is archived.",
    )


@pytest.mark.parametrize(
    "change, where",
    [
        ({"inferenceProfileName": "has/slash"}, "inferenceProfileName"),
        ({"inferenceProfileName": "a--b"}, "inferenceProfileName"),
        ({"inferenceProfileName": "-leading"}, "inferenceProfileName"),
        ({"inferenceProfileName": "n" * 65}, "inferenceProfileName"),
        ({"description": "Team A, the first"}, "description"),
        ({"description": "d" * 201}, "description"),
        ({"modelSource": {"copyFrom": HAIKU}}, "modelSource.copyFrom"),
        ({"modelSource": {"copyFrom": f"us.{HAIKU}"}}, "modelSource.copyFrom"),
        ({"modelSource": {"copyFrom": APP_ARN_PREFIX + "abcdef123456"}}, "modelSource.copyFrom"),
        ({"clientRequestToken": "under_score"}, "clientRequestToken"),
        ({"clientRequestToken": "t" * 257}, "clientRequestToken"),
        ({"tags": [{"key": "bad!key", "value": "v"}]}, "tags.1.member.key"),
        ({"tags": [{"key": "k", "value": "v" * 257}]}, "tags.1.member.value"),
    ],
)
def test_create_validation(server: be.BedrockServer, bedrock: Any, change: dict[str, Any], where: str) -> None:
    request = {"inferenceProfileName": "team-a", "modelSource": {"copyFrom": US_HAIKU_ARN}, **change}
    error = client_error(bedrock.create_inference_profile, **request)
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ValidationException", 400)
    assert f"at '{where}' failed to satisfy constraint" in error["Error"]["Message"]
    assert applications(bedrock) == []


def test_what_the_service_accepts(bedrock: Any) -> None:
    create(bedrock, "n" * 64, description="d" * 200, clientRequestToken="t" * 256)
    create(bedrock, "with space_and-dash 2", description="v1.2: a b_c-d", tags=[{"key": "k", "value": ""}])
    assert len(applications(bedrock)) == 2


@pytest.mark.parametrize(
    "body, where",
    [
        ({"modelSource": {"copyFrom": US_HAIKU_ARN}}, "inferenceProfileName"),
        ({"inferenceProfileName": "a"}, "modelSource"),
        ({"inferenceProfileName": "", "modelSource": {"copyFrom": US_HAIKU_ARN}}, "inferenceProfileName"),
        ({"inferenceProfileName": "a", "modelSource": {}}, "modelSource"),
        ({"inferenceProfileName": "a", "modelSource": {"copyFrom": US_HAIKU_ARN, "other": "x"}}, "modelSource"),
        ({"inferenceProfileName": "a", "modelSource": {"copyFrom": US_HAIKU_ARN}, "colour": "red"}, "colour"),
        ({"inferenceProfileName": 7, "modelSource": {"copyFrom": US_HAIKU_ARN}}, "inferenceProfileName"),
    ],
)
def test_raw_create_validation(server: be.BedrockServer, body: dict[str, Any], where: str) -> None:
    reset(server)
    status, headers, data = raw_request(server, "POST", "/inference-profiles", json.dumps(body).encode("utf-8"))
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert f"at '{where}'" in json.loads(data)["message"]


def test_a_body_that_is_not_json(server: be.BedrockServer) -> None:
    for body in (b"{", b"[1]"):
        status, headers, dummy = raw_request(server, "POST", "/inference-profiles", body)
        assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")


@pytest.mark.parametrize(
    "region, source, code",
    [
        ("us-east-1", "arn:aws:bedrock:us-east-1::foundation-model/nosuch.model-v1:0", "ResourceNotFoundException"),
        ("us-east-1", "arn:aws:bedrock:us-east-1:123456789012:foundation-model/amazon.nova-pro-v1:0", "ResourceNotFoundException"),  # fmt: skip
        ("us-east-1", f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.{HAIKU}", "ResourceNotFoundException"),  # fmt: skip
        ("us-east-1", f"arn:aws:bedrock:us-east-1:210987654321:inference-profile/us.{HAIKU}", "ResourceNotFoundException"),  # fmt: skip
        ("us-east-1", "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0", "ValidationException"),
        ("us-east-1", "arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0", "ValidationException"),
        ("eu-west-1", "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-image-generator-v2:0", "ResourceNotFoundException"),  # fmt: skip
    ],
)
def test_sources_that_cannot_be_copied(server: be.BedrockServer, region: str, source: str, code: str) -> None:
    reset(server)
    bedrock = clients(server.url, region=region)[0]
    error = client_error(bedrock.create_inference_profile, inferenceProfileName="x", modelSource={"copyFrom": source})
    assert error["Error"]["Code"] == code
    assert source in error["Error"]["Message"]
    assert applications(bedrock) == []


def test_a_name_in_use_and_the_request_token(server: be.BedrockServer, bedrock: Any) -> None:
    arn = create(bedrock, clientRequestToken="task-1")
    error = client_error(bedrock.create_inference_profile, inferenceProfileName="team-a", modelSource={"copyFrom": NOVA_ARN})  # fmt: skip
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ConflictException", 400)
    assert "team-a" in error["Error"]["Message"]
    # The same token and request: the same profile, nothing new; the same token for another request: a conflict.
    assert create(bedrock, clientRequestToken="task-1") == arn
    error = client_error(
        bedrock.create_inference_profile, inferenceProfileName="team-a", description="other",
        modelSource={"copyFrom": US_HAIKU_ARN}, clientRequestToken="task-1",
    )  # fmt: skip
    assert error["Error"]["Code"] == "ConflictException"
    assert len(applications(bedrock)) == 1
    # A token is forgotten with its profile: after a delete the same create makes a new profile.
    bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    again = create(bedrock, clientRequestToken="task-1")
    assert again != arn and len(applications(bedrock)) == 1
    creates = [item for item in recorded(server) if item["operation"] == "CreateInferenceProfile"]
    assert len(creates) == 5


def test_profile_ids_are_predictable_after_a_reset(server: be.BedrockServer, bedrock: Any) -> None:
    first = [create(bedrock, name, NOVA_ARN) for name in ("a", "b")]
    reset(server)
    assert [create(bedrock, name, NOVA_ARN) for name in ("a", "b")] == first


@pytest.mark.parametrize(
    "identifier",
    [
        "team-a",
        "abcdef123456",
        f"eu.{HAIKU}",
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu." + HAIKU,
        f"arn:aws:bedrock:us-east-1:210987654321:inference-profile/us.{HAIKU}",
        f"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/us.{HAIKU}",
    ],
)
def test_what_get_and_delete_do_not_find(bedrock: Any, identifier: str) -> None:
    create(bedrock)
    # A name is not an identifier: the service takes an id or an ARN.
    for call in (bedrock.get_inference_profile, bedrock.delete_inference_profile):
        error = client_error(call, inferenceProfileIdentifier=identifier)
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ResourceNotFoundException", 404)  # fmt: skip
    assert len(applications(bedrock)) == 1


def test_identifier_validation_and_system_profiles_stay(server: be.BedrockServer, bedrock: Any) -> None:
    status, headers, body = raw_request(server, "GET", "/inference-profiles/has%20space")
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert "inferenceProfileIdentifier" in json.loads(body)["message"]
    status, headers, body = raw_request(server, "DELETE", "/inference-profiles/x?projectIdentifier=default")
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    error = client_error(bedrock.delete_inference_profile, inferenceProfileIdentifier=US_HAIKU_ARN)["Error"]
    assert error["Code"] == "ValidationException" and "system-defined" in error["Message"]
    assert bedrock.get_inference_profile(inferenceProfileIdentifier=US_HAIKU_ARN)["type"] == "SYSTEM_DEFINED"


def test_each_region_has_its_own_profiles(server: be.BedrockServer, bedrock: Any) -> None:
    arn = create(bedrock, "shared-name", NOVA_ARN)
    paris = clients(server.url, region="eu-west-3")[0]
    assert applications(paris) == []
    assert client_error(paris.get_inference_profile, inferenceProfileIdentifier=arn)["Error"]["Code"] == (
        "ResourceNotFoundException"
    )
    source = "arn:aws:bedrock:eu-west-3:123456789012:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0"
    elsewhere = create(paris, "shared-name", source)
    assert elsewhere.startswith("arn:aws:bedrock:eu-west-3:123456789012:application-inference-profile/")
    models = paris.get_inference_profile(inferenceProfileIdentifier=elsewhere)["models"]
    assert [model["modelArn"].split(":")[3] for model in models] == ["eu-central-1", "eu-west-1", "eu-west-3"]


def test_tags_change_in_place(bedrock: Any) -> None:
    arn = create(bedrock, tags=[{"key": "team", "value": "a"}])
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": "team", "value": "b"}, {"key": "env", "value": "prod"}])
    bedrock.untag_resource(resourceARN=arn, tagKeys=["env"])
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "team", "value": "b"}]
    # System-defined profiles are not taggable resources.
    error = client_error(bedrock.tag_resource, resourceARN=US_HAIKU_ARN, tags=[{"key": "k", "value": "v"}])
    assert error["Error"]["Code"] == "ResourceNotFoundException"


def test_the_reset_forgets_profiles_tags_and_settings(server: be.BedrockServer, bedrock: Any) -> None:
    arn = create(bedrock, tags=[{"key": "team", "value": "a"}])
    control(server, "POST", "/_test/inference-profiles/config", {"default_page_size": 2})
    reset(server)
    assert applications(bedrock) == []
    assert client_error(bedrock.list_tags_for_resource, resourceARN=arn)["Error"]["Code"] == "ResourceNotFoundException"
    assert control(server, "GET", "/_test/inference-profiles/config") == {"default_page_size": 10}


@pytest.mark.parametrize(
    "body, complaint",
    [
        (b"{", "JSON object"),
        (b"[]", "JSON object"),
        (b'{"default_page_size": 0}', "default_page_size"),
        (b'{"default_page_size": 1001}', "default_page_size"),
        (b'{"default_page_size": true}', "default_page_size"),
        (b'{"other": 1}', "default_page_size"),
    ],
)
def test_the_config_route_refuses_bad_settings(server: be.BedrockServer, body: bytes, complaint: str) -> None:
    before = control(server, "GET", "/_test/inference-profiles/config")
    status, dummy, data = raw_request(server, "POST", "/_test/inference-profiles/config", body)
    assert status == 400 and complaint in json.loads(data)["message"]
    assert control(server, "GET", "/_test/inference-profiles/config") == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
    max_leaves=12,
)
MEMBERS = st.sampled_from(["inferenceProfileName", "description", "clientRequestToken", "modelSource", "tags"])


@settings(deadline=None)
@given(st.dictionaries(MEMBERS | st.text(max_size=10), JSON | st.just({"copyFrom": US_HAIKU_ARN}), max_size=6) | JSON)
def test_any_create_body_is_accepted_or_refused_as_the_service_does(body: Any) -> None:
    try:
        profile_rules.check_create(body)
    except ServiceError as exc:
        assert (exc.status, exc.code) == (400, "ValidationException")
    else:
        assert isinstance(body, dict) and profile_rules.NAME.fullmatch(body["inferenceProfileName"])


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(["maxResults", "nextToken", "type", "projectIdentifier", "x"]), st.text()))
def test_any_list_query_is_accepted_or_refused_as_the_service_does(query: dict[str, str]) -> None:
    try:
        checked = profile_rules.check_list(query)
    except ServiceError as exc:
        assert exc.code == "ValidationException"
    else:
        assert checked["type"] in profile_rules.TYPES
