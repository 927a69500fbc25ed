# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake endpoint's tags (tagging.py): TagResource, UntagResource and ListTagsForResource through a real
boto3 bedrock client, on guardrails (which register their ARN when created and forget it when deleted), and the
store itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import bedrock_endpoint as be
from .batch_helpers import control
from .fake_bedrock.tagging import TagStore
from .guardrail_helpers import code_of
from .guardrail_helpers import create
from .guardrail_helpers import guardrail_clients
from .helpers import raw_request
from .helpers import recorded

UNKNOWN = "arn:aws:bedrock:us-east-1:123456789012:guardrail/nosuchguardrail"


@pytest.fixture
def bedrock(server: be.BedrockServer) -> Any:
    control(server, "DELETE", "/_test/requests")
    control(server, "POST", "/_test/guardrails/config", {"ready_after_reads": 0})
    return guardrail_clients(server.url)[0]


def _tags(bedrock: Any, arn: str) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in bedrock.list_tags_for_resource(resourceARN=arn)["tags"]}


def test_a_resource_starts_with_the_tags_of_its_create(bedrock: Any) -> None:
    arn = create(bedrock, "tagged", tags=[{"key": "team", "value": "ml"}, {"key": "empty", "value": ""}])[
        "guardrailArn"
    ]
    assert _tags(bedrock, arn) == {"team": "ml", "empty": ""}
    assert _tags(bedrock, create(bedrock, "untagged")["guardrailArn"]) == {}


def test_tag_merges_and_untag_removes(server: be.BedrockServer, bedrock: Any) -> None:
    arn = create(bedrock, "merged", tags=[{"key": "team", "value": "ml"}, {"key": "env", "value": "dev"}])[
        "guardrailArn"
    ]
    response = bedrock.tag_resource(
        resourceARN=arn, tags=[{"key": "env", "value": "prod"}, {"key": "cost", "value": "7"}]
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _tags(bedrock, arn) == {"team": "ml", "env": "prod", "cost": "7"}
    # Keys it does not have are no error, as in the service.
    bedrock.untag_resource(resourceARN=arn, tagKeys=["team", "absent"])
    assert _tags(bedrock, arn) == {"env": "prod", "cost": "7"}
    operations = [item["operation"] for item in recorded(server)]
    assert operations.count("TagResource") == 1 and operations.count("UntagResource") == 1


@pytest.mark.parametrize("operation", ["list_tags_for_resource", "tag_resource", "untag_resource"])
def test_an_arn_not_registered_is_not_found(bedrock: Any, operation: str) -> None:
    extra = {"tag_resource": {"tags": [{"key": "a", "value": "b"}]}, "untag_resource": {"tagKeys": ["a"]}}
    status, code, message = code_of(getattr(bedrock, operation), resourceARN=UNKNOWN, **extra.get(operation, {}))
    assert (status, code) == (404, "ResourceNotFoundException")
    assert UNKNOWN in message


def test_a_deleted_resource_forgets_its_tags(bedrock: Any) -> None:
    created = create(bedrock, "forgotten", tags=[{"key": "a", "value": "b"}])
    bedrock.delete_guardrail(guardrailIdentifier=created["guardrailId"])
    # The guardrail is DELETING until the next read, then gone with its tags.
    assert code_of(bedrock.get_guardrail, guardrailIdentifier=created["guardrailId"])[1] == "ResourceNotFoundException"
    assert code_of(bedrock.list_tags_for_resource, resourceARN=created["guardrailArn"])[0] == 404


def test_the_servers_reset_forgets_every_tag(server: be.BedrockServer, bedrock: Any) -> None:
    arn = create(bedrock, "reset", tags=[{"key": "a", "value": "b"}])["guardrailArn"]
    control(server, "DELETE", "/_test/requests")
    assert code_of(bedrock.list_tags_for_resource, resourceARN=arn)[0] == 404


@pytest.mark.parametrize(
    "tags, where",
    [
        ([{"key": "a" * 129, "value": "b"}], "tags.1.member.key"),
        ([{"key": "ok", "value": "v" * 257}], "tags.1.member.value"),
        ([{"key": "bad#key", "value": "b"}], "tags.1.member.key"),
        ([{"key": "ok", "value": "b"}, {"key": "fine", "value": "semi;colon"}], "tags.2.member.value"),
    ],
)
def test_tags_are_checked_as_the_service_checks_them(bedrock: Any, tags: list[dict[str, str]], where: str) -> None:
    arn = create(bedrock, "checked")["guardrailArn"]
    status, code, message = code_of(bedrock.tag_resource, resourceARN=arn, tags=tags)
    assert (status, code) == (400, "ValidationException")
    assert f"at '{where}'" in message and message.startswith("1 validation error detected: Value '")
    # The same checks apply to the tags of a create, and nothing is created.
    status, code, message = code_of(bedrock.create_guardrail, **_create_args("never"), tags=tags)
    assert (code, f"at '{where}'" in message) == ("ValidationException", True)
    assert bedrock.list_guardrails()["guardrails"][-1]["name"] == "checked"


def _create_args(name: str) -> dict[str, str]:
    return {"name": name, "blockedInputMessaging": "in", "blockedOutputsMessaging": "out"}


def test_untag_keys_and_the_arn_are_checked(bedrock: Any) -> None:
    arn = create(bedrock, "keys")["guardrailArn"]
    status, code, message = code_of(bedrock.untag_resource, resourceARN=arn, tagKeys=["fine", "k" * 129])
    assert (status, code) == (400, "ValidationException")
    assert message.startswith("1 validation error detected") and "tagKeys.2.member" in message
    status, code, message = code_of(bedrock.list_tags_for_resource, resourceARN="arn:aws:s3:::a-bucket-name")
    assert (status, code) == (400, "ValidationException") and "resourceARN" in message


def test_more_than_200_tags_is_too_many(bedrock: Any) -> None:
    arn = create(bedrock, "crowded", tags=[{"key": f"k{index}", "value": "v"} for index in range(150)])["guardrailArn"]
    status, code, dummy = code_of(
        bedrock.tag_resource, resourceARN=arn, tags=[{"key": f"n{index}", "value": "v"} for index in range(51)]
    )
    assert (status, code) == (400, "TooManyTagsException")
    assert len(_tags(bedrock, arn)) == 150
    # Replacing values of keys it has is no growth.
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": f"k{index}", "value": "w"} for index in range(50)])
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": f"n{index}", "value": "v"} for index in range(50)])
    assert len(_tags(bedrock, arn)) == 200
    status, code, message = code_of(
        bedrock.tag_resource, resourceARN=arn, tags=[{"key": f"x{index}", "value": "v"} for index in range(201)]
    )
    assert (status, code) == (400, "ValidationException") and "less than or equal to 200" in message


def test_a_request_body_that_is_not_json_is_refused(server: be.BedrockServer, bedrock: Any) -> None:
    status, headers, body = raw_request(server, "POST", "/listTagsForResource", b"{not json")
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")


def test_the_store_registers_forgets_and_resets() -> None:
    store = TagStore()
    store.add("arn:one", [{"key": "a", "value": "1"}])
    store.add("arn:two")
    store.add("arn:three", [])
    assert (store.get("arn:one"), store.get("arn:two")) == ({"a": "1"}, {})
    # A copy: changing it changes nothing in the store.
    store.get("arn:one")["b"] = "2"
    assert store.get("arn:one") == {"a": "1"}
    store.forget("arn:one")
    store.forget("arn:never")
    store.forget_where(lambda arn: arn.endswith("two"))
    assert list(store.tags) == ["arn:three"]
    store.reset()
    assert store.tags == {}
    with pytest.raises(Exception) as info:
        store.get("arn:three")
    assert getattr(info.value, "code", None) == "ResourceNotFoundException"
