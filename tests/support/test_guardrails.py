# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake guardrail control plane (guardrails.py, guardrail_store.py, guardrail_shapes.py) through real
boto3 bedrock clients: shapes and defaults, the pace of statuses, FAILED updates, versions, idempotency, conflicts,
listing, quotas, injected faults, SigV4 and the control routes.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import quote

import pytest

from . import bedrock_endpoint as be
from .batch_helpers import control
from .fake_bedrock.guardrail_shapes import kms_key_arn
from .fake_bedrock.guardrail_store import FAILURE_REASONS
from .fake_bedrock.guardrail_store import FAILURE_RECOMMENDATIONS
from .guardrail_helpers import EVERY_POLICY
from .guardrail_helpers import MESSAGES
from .guardrail_helpers import assert_fits
from .guardrail_helpers import code_of
from .guardrail_helpers import create
from .guardrail_helpers import guardrail_clients
from .guardrail_helpers import ready
from .guardrail_helpers import service_model
from .guardrail_helpers import update
from .guardrail_helpers import wait_status
from .helpers import raw_request
from .helpers import recorded

ACCOUNT = "123456789012"


@pytest.fixture
def bedrock(server: be.BedrockServer) -> Any:
    # Every test starts with no guardrails, the server's settings and an empty record.
    control(server, "DELETE", "/_test/requests")
    return guardrail_clients(server.url)[0]


def raw_get(server: be.BedrockServer, identifier: str, version: str = "DRAFT") -> dict[str, Any]:
    """GetGuardrail's answer as sent (boto3 would drop members it does not know)."""
    status, dummy, body = raw_request(
        server, "GET", f"/guardrails/{quote(identifier, safe='')}?guardrailVersion={version}"
    )
    assert status == 200, body
    return json.loads(body)


def test_create_answers_the_service_forms(server: be.BedrockServer, bedrock: Any) -> None:
    response = create(bedrock, "first")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(response) == {"guardrailId", "guardrailArn", "version", "createdAt", "ResponseMetadata"}
    guardrail_id = response["guardrailId"]
    assert len(guardrail_id) == 12 and guardrail_id.isalnum() and guardrail_id == guardrail_id.lower()
    assert response["guardrailArn"] == f"arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{guardrail_id}"
    assert response["version"] == "DRAFT"
    paris = guardrail_clients(server.url, region="eu-west-3")[0]
    assert create(paris, "second")["guardrailArn"].startswith(f"arn:aws:bedrock:eu-west-3:{ACCOUNT}:guardrail/")
    assert [item["operation"] for item in recorded(server)] == ["CreateGuardrail", "CreateGuardrail"]


def test_get_answers_in_the_services_own_shapes(server: be.BedrockServer, bedrock: Any) -> None:
    created = create(bedrock, "shapes", **EVERY_POLICY, tags=[{"key": "team", "value": "ml"}])
    wait_status(bedrock, created["guardrailId"])
    shown = raw_get(server, created["guardrailId"])
    assert_fits(shown, service_model("bedrock").operation_model("GetGuardrail").output_shape)
    assert (shown["name"], shown["description"], shown["version"], shown["status"]) == (
        "shapes",
        EVERY_POLICY["description"],
        "DRAFT",
        "READY",
    )
    assert (shown["blockedInputMessaging"], shown["blockedOutputsMessaging"]) == tuple(MESSAGES.values())
    assert shown["createdAt"] == shown["updatedAt"] and (shown["statusReasons"], shown["failureRecommendations"]) == (
        [],
        [],
    )
    # Other names than the request's, the defaults filled in, and an order of its own.
    content = shown["contentPolicy"]
    assert [item["type"] for item in content["filters"]] == ["HATE", "PROMPT_ATTACK", "VIOLENCE"]
    assert content["filters"][2] == {
        "type": "VIOLENCE",
        "inputStrength": "HIGH",
        "outputStrength": "MEDIUM",
        "inputModalities": ["TEXT"],
        "outputModalities": ["TEXT"],
        "inputAction": "BLOCK",
        "outputAction": "BLOCK",
        "inputEnabled": True,
        "outputEnabled": True,
    }
    assert content["filters"][0]["inputAction"] == "NONE" and content["tier"] == {"tierName": "STANDARD"}
    topics = shown["topicPolicy"]
    assert [topic["name"] for topic in topics["topics"]] == ["Astrology", "Investment advice"]
    assert topics["topics"][1]["examples"] == [] and topics["topics"][0]["outputEnabled"] is False
    assert topics["tier"] == {"tierName": "CLASSIC"}
    assert shown["wordPolicy"]["words"][0]["outputAction"] == "BLOCK"
    assert shown["wordPolicy"]["managedWordLists"][0]["type"] == "PROFANITY"
    pii = shown["sensitiveInformationPolicy"]["piiEntities"]
    assert [(item["type"], item["inputAction"], item["outputAction"]) for item in pii] == [
        ("EMAIL", "ANONYMIZE", "ANONYMIZE"),
        ("PHONE", "ANONYMIZE", "NONE"),
        ("US_SOCIAL_SECURITY_NUMBER", "BLOCK", "BLOCK"),
    ]
    assert shown["sensitiveInformationPolicy"]["regexes"][0]["description"] == "Ticket"
    grounding = shown["contextualGroundingPolicy"]
    assert grounding["filters"] == [
        {"type": "GROUNDING", "threshold": 0.75, "action": "BLOCK", "enabled": True},
        {"type": "RELEVANCE", "threshold": 0.5, "action": "BLOCK", "enabled": True},
    ]
    assert grounding["tier"] == {"tierName": "CLASSIC"}
    assert shown["crossRegionDetails"] == {
        "guardrailProfileId": "us.guardrail.v1:0",
        "guardrailProfileArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail-profile/us.guardrail.v1:0",
    }
    assert shown["kmsKeyArn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{EVERY_POLICY['kmsKeyId']}"
    for absent in ("tags", "kmsKeyId", "contentPolicyConfig", "crossRegionConfig", "automatedReasoningPolicy"):
        assert absent not in shown


@pytest.mark.parametrize(
    "key, region, expected",
    [
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "eu-west-1", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-"),
        (
            "arn:aws:kms:us-west-2:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "x",
            "arn:aws:kms:us-west-2:210",
        ),
        (
            "alias/guard",
            "us-east-1",
            f"arn:aws:kms:us-east-1:123456789012:key/{uuid.uuid5(uuid.NAMESPACE_URL, 'alias/guard')}",
        ),
        ("arn:aws:kms:ca-central-1:210987654321:alias/guard", "x", "arn:aws:kms:ca-central-1:210987654321:key/"),
    ],
)
def test_a_kms_key_comes_back_as_a_key_arn(bedrock: Any, key: str, region: str, expected: str) -> None:
    arn = kms_key_arn(key, region, ACCOUNT)
    assert arn.startswith(expected) and len(arn.rsplit("/", 1)[1]) == 36
    guardrail_id = ready(bedrock, "kms", kmsKeyId=key)
    assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["kmsKeyArn"] == kms_key_arn(
        key, "us-east-1", ACCOUNT
    )


def test_identifiers_and_versions_that_lead_nowhere(server: be.BedrockServer, bedrock: Any) -> None:
    created = create(bedrock, "found")
    guardrail_id = created["guardrailId"]
    assert bedrock.get_guardrail(guardrailIdentifier=created["guardrailArn"])["guardrailId"] == guardrail_id
    elsewhere = created["guardrailArn"].replace("us-east-1", "eu-west-1")
    for identifier, version in ((elsewhere, "DRAFT"), ("abcdefabcdef", "DRAFT"), (guardrail_id, "7")):
        status, code, message = code_of(bedrock.get_guardrail, guardrailIdentifier=identifier, guardrailVersion=version)
        assert (status, code) == (404, "ResourceNotFoundException"), message
    status, code, message = code_of(bedrock.get_guardrail, guardrailIdentifier="Not-An-Id")
    assert (status, code) == (400, "ValidationException") and "guardrailIdentifier" in message
    assert (
        code_of(bedrock.get_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion="0")[1]
        == "ValidationException"
    )


@pytest.mark.parametrize("reads", [0, 1, 3])
def test_statuses_last_the_reads_a_test_sets(server: be.BedrockServer, bedrock: Any, reads: int) -> None:
    control(server, "POST", "/_test/guardrails/config", {"ready_after_reads": reads})
    guardrail_id = create(bedrock, "paced")["guardrailId"]
    assert wait_status(bedrock, guardrail_id)[1] == ["CREATING"] * reads + ["READY"]
    update(bedrock, guardrail_id, "paced", description="changed")
    assert wait_status(bedrock, guardrail_id)[1] == ["UPDATING"] * reads + ["READY"]
    version = bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id)["version"]
    # The version being made is VERSIONING; the DRAFT stays READY, and reading it does not count.
    assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["status"] == "READY"
    assert wait_status(bedrock, guardrail_id, version)[1] == ["VERSIONING"] * reads + ["READY"]
    bedrock.delete_guardrail(guardrailIdentifier=guardrail_id)
    for dummy in range(reads):
        assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id, guardrailVersion=version)["status"] == "DELETING"
    assert code_of(bedrock.get_guardrail, guardrailIdentifier=guardrail_id)[1] == "ResourceNotFoundException"
    assert control(server, "GET", "/_test/guardrails") == []


def test_statuses_can_last_seconds_or_until_a_test_ends_them(server: be.BedrockServer, bedrock: Any) -> None:
    control(server, "POST", "/_test/guardrails/config", {"ready_after_reads": None, "ready_after_seconds": 0.3})
    start = time.monotonic()
    guardrail_id = create(bedrock, "timed")["guardrailId"]
    wait_status(bedrock, guardrail_id)
    assert time.monotonic() - start >= 0.3
    control(server, "POST", "/_test/guardrails/config", {"ready_after_seconds": None})
    update(bedrock, guardrail_id, "timed")
    for dummy in range(5):
        assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["status"] == "UPDATING"
    control(server, "POST", "/_test/guardrails/timed/ready")
    assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["status"] == "READY"
    [snapshot] = control(server, "GET", "/_test/guardrails")
    assert snapshot["versions"]["DRAFT"]["history"] == ["CREATING", "READY", "UPDATING", "READY"]


def test_the_servers_defaults_set_the_pace_and_survive_a_reset() -> None:
    srv = be.start_server(guardrail_defaults={"ready_after_reads": 2, "apply_latency": 0.01})
    try:
        bedrock = guardrail_clients(srv.url)[0]
        control(srv, "POST", "/_test/guardrails/config", {"ready_after_reads": 0})
        control(srv, "DELETE", "/_test/requests")
        assert control(srv, "GET", "/_test/guardrails/config")["ready_after_reads"] == 2
        assert wait_status(bedrock, create(bedrock, "slow")["guardrailId"])[1] == ["CREATING", "CREATING", "READY"]
    finally:
        srv.stop()


def test_an_update_replaces_the_whole_configuration(server: be.BedrockServer, bedrock: Any) -> None:
    guardrail_id = ready(bedrock, "replaced", **EVERY_POLICY)
    before = bedrock.get_guardrail(guardrailIdentifier=guardrail_id)
    words = {"wordsConfig": [{"text": "Globex"}]}
    response = update(bedrock, guardrail_id, "replaced", wordPolicyConfig=words)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(response) == {"guardrailId", "guardrailArn", "version", "updatedAt", "ResponseMetadata"}
    after, seen = wait_status(bedrock, guardrail_id)
    assert (
        seen[-1] == "READY" and after["createdAt"] == before["createdAt"] and after["updatedAt"] >= before["updatedAt"]
    )
    # Whatever the update left out is gone: every other policy, the description, the key, the profile.
    gone = ("contentPolicy", "topicPolicy", "sensitiveInformationPolicy", "contextualGroundingPolicy", "kmsKeyArn")
    assert not set(gone + ("description", "crossRegionDetails")) & set(after)
    assert [word["text"] for word in after["wordPolicy"]["words"]] == ["Globex"]
    assert "managedWordLists" not in after["wordPolicy"]


def test_conflicts(server: be.BedrockServer, bedrock: Any) -> None:
    taken = create(bedrock, "taken")["guardrailId"]
    status, code, message = code_of(bedrock.create_guardrail, name="taken", **MESSAGES)
    assert (status, code) == (400, "ConflictException") and "taken" in message
    # Busy: CREATING refuses an update and a version.
    assert (
        code_of(bedrock.update_guardrail, guardrailIdentifier=taken, name="taken", **MESSAGES)[1] == "ConflictException"
    )
    assert code_of(bedrock.create_guardrail_version, guardrailIdentifier=taken)[1] == "ConflictException"
    wait_status(bedrock, taken)
    other = ready(bedrock, "other")
    assert (
        code_of(bedrock.update_guardrail, guardrailIdentifier=other, name="taken", **MESSAGES)[1] == "ConflictException"
    )
    update(bedrock, taken, "renamed")
    wait_status(bedrock, taken)
    update(bedrock, other, "taken")
    assert wait_status(bedrock, other)[0]["name"] == "taken"
    bedrock.delete_guardrail(guardrailIdentifier=other)
    # Deleting twice, and the name stays taken until the guardrail is gone.
    assert code_of(bedrock.delete_guardrail, guardrailIdentifier=other)[1] == "ConflictException"
    assert code_of(bedrock.create_guardrail, name="taken", **MESSAGES)[1] == "ConflictException"
    assert bedrock.get_guardrail(guardrailIdentifier=other)["status"] == "DELETING"
    assert code_of(bedrock.get_guardrail, guardrailIdentifier=other)[1] == "ResourceNotFoundException"
    create(bedrock, "taken")


@pytest.mark.parametrize(
    "name, description, control_body",
    [
        ("fail-update-by-name", "fine", None),
        ("by-description", "please [fail-update] now", None),
        ("by-control", "fine", {}),
        ("by-control-reasons", "fine", {"reasons": ["Topic 3 is too broad."], "recommendations": ["Narrow it."]}),
    ],
)
def test_an_update_can_end_failed(
    server: be.BedrockServer, bedrock: Any, name: str, description: str, control_body: dict[str, Any] | None
) -> None:
    guardrail_id = ready(bedrock, name)
    if control_body is not None:
        control(server, "POST", f"/_test/guardrails/{name}/fail", control_body)
    update(bedrock, guardrail_id, name, description=description)
    failed, seen = wait_status(bedrock, guardrail_id)
    assert seen == ["UPDATING", "FAILED"]
    expected = control_body or {}
    assert failed["statusReasons"] == expected.get("reasons", FAILURE_REASONS)
    assert failed["failureRecommendations"] == expected.get("recommendations", FAILURE_RECOMMENDATIONS)
    # The failed configuration is kept, and a good update mends it (only the name's rule fails every update).
    assert failed["description"] == description
    update(bedrock, guardrail_id, name, description="mended")
    mended = wait_status(bedrock, guardrail_id)[0]
    assert mended["status"] == ("FAILED" if name.startswith("fail-update-") else "READY")
    if mended["status"] == "READY":
        assert (mended["statusReasons"], mended["failureRecommendations"]) == ([], [])


def test_names_can_fail_the_creation_or_every_version(server: be.BedrockServer, bedrock: Any) -> None:
    failed = create(bedrock, "fail-create-now")["guardrailId"]
    assert wait_status(bedrock, failed)[1] == ["CREATING", "FAILED"]
    assert code_of(bedrock.create_guardrail_version, guardrailIdentifier=failed)[1] == "ConflictException"
    versioned = ready(bedrock, "fail-version-always")
    version = bedrock.create_guardrail_version(guardrailIdentifier=versioned)["version"]
    assert wait_status(bedrock, versioned, version)[1] == ["VERSIONING", "FAILED"]
    control(server, "POST", "/_test/guardrails/fail-version-always/fail", {"operation": "CreateGuardrailVersion"})
    ok = ready(bedrock, "fine")
    control(server, "POST", "/_test/guardrails/fine/fail", {"operation": "CreateGuardrailVersion"})
    version = bedrock.create_guardrail_version(guardrailIdentifier=ok)["version"]
    assert wait_status(bedrock, ok, version)[0]["status"] == "FAILED"
