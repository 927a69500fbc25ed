# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake guardrail control plane, continued: versions, idempotency tokens, deletion, listing and its
pages, quotas, injected faults and retries, SigV4, and the control routes.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import quote

import pytest

from . import bedrock_endpoint as be
from . import launcher
from .batch_helpers import control
from .fake_bedrock.batch import is_bedrock_path
from .guardrail_helpers import MESSAGES
from .guardrail_helpers import code_of
from .guardrail_helpers import create
from .guardrail_helpers import guardrail_clients
from .guardrail_helpers import ready
from .guardrail_helpers import update
from .guardrail_helpers import wait_status
from .helpers import raw_request
from .helpers import recorded


@pytest.fixture
def bedrock(server: be.BedrockServer) -> Any:
    control(server, "DELETE", "/_test/requests")
    return guardrail_clients(server.url)[0]


def _version(bedrock: Any, guardrail_id: str, **kwargs: Any) -> str:
    """A new version's number, once READY."""
    response = bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id, **kwargs)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(response) == {"guardrailId", "version", "ResponseMetadata"}
    wait_status(bedrock, guardrail_id, response["version"])
    return response["version"]


def test_a_version_is_a_snapshot_of_the_draft(bedrock: Any) -> None:
    guardrail_id = ready(bedrock, "snap", description="first", wordPolicyConfig={"wordsConfig": [{"text": "one"}]})
    assert _version(bedrock, guardrail_id, description="the first version") == "1"
    update(bedrock, guardrail_id, "snap", description="second", wordPolicyConfig={"wordsConfig": [{"text": "two"}]})
    wait_status(bedrock, guardrail_id)
    # Without a description of its own, a version takes the DRAFT's.
    assert _version(bedrock, guardrail_id) == "2"
    one = bedrock.get_guardrail(guardrailIdentifier=guardrail_id, guardrailVersion="1")
    two = bedrock.get_guardrail(guardrailIdentifier=guardrail_id, guardrailVersion="2")
    assert (one["version"], one["description"], one["wordPolicy"]["words"][0]["text"]) == (
        "1",
        "the first version",
        "one",
    )
    assert (two["description"], two["wordPolicy"]["words"][0]["text"]) == ("second", "two")
    assert one["guardrailArn"] == two["guardrailArn"] and one["createdAt"] < two["createdAt"]
    # Deleting a version deletes only it, and numbers are never used again.
    response = bedrock.delete_guardrail(guardrailIdentifier=guardrail_id, guardrailVersion="2")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert code_of(bedrock.get_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion="2")[0] == 404
    assert code_of(bedrock.delete_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion="2")[0] == 404
    assert _version(bedrock, guardrail_id) == "3"
    assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["status"] == "READY"
    status, code, message = code_of(
        bedrock.delete_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion="DRAFT"
    )
    assert (status, code) == (400, "ValidationException") and "guardrailVersion" in message


def test_one_version_at_a_time(bedrock: Any) -> None:
    guardrail_id = ready(bedrock, "one-at-a-time")
    bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id)
    assert code_of(bedrock.create_guardrail_version, guardrailIdentifier=guardrail_id)[1] == "ConflictException"
    status, code, dummy = code_of(bedrock.update_guardrail, guardrailIdentifier=guardrail_id, name="x", **MESSAGES)
    assert (status, code) == (400, "ConflictException")


def test_a_token_makes_a_create_happen_once(server: be.BedrockServer, bedrock: Any) -> None:
    first = create(bedrock, "once", clientRequestToken="task-1234")
    again = create(bedrock, "once", clientRequestToken="task-1234")
    assert {key: again[key] for key in ("guardrailId", "guardrailArn", "createdAt")} == {
        key: first[key] for key in ("guardrailId", "guardrailArn", "createdAt")
    }
    assert len(bedrock.list_guardrails()["guardrails"]) == 1
    status, code, message = code_of(
        bedrock.create_guardrail, name="once", description="other", clientRequestToken="task-1234", **MESSAGES
    )
    assert (status, code) == (400, "ConflictException") and "task-1234" in message
    # botocore makes up a token when none is given: two creates are two requests.
    assert code_of(bedrock.create_guardrail, name="once", **MESSAGES)[1] == "ConflictException"


def test_a_token_makes_a_version_happen_once(bedrock: Any) -> None:
    guardrail_id = ready(bedrock, "versioned-once")
    other = ready(bedrock, "other-guardrail")
    first = bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id, clientRequestToken="publish-1")
    again = bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id, clientRequestToken="publish-1")
    assert first["version"] == again["version"] == "1"
    for identifier, description in ((guardrail_id, "other"), (other, None)):
        kwargs = {"description": description} if description else {}
        status, code, dummy = code_of(
            bedrock.create_guardrail_version, guardrailIdentifier=identifier, clientRequestToken="publish-1", **kwargs
        )
        assert (status, code) == (400, "ConflictException")
    listed = bedrock.list_guardrails(guardrailIdentifier=guardrail_id)["guardrails"]
    assert [item["version"] for item in listed] == ["DRAFT", "1"]


def test_a_deleted_guardrail_takes_its_versions_along(bedrock: Any) -> None:
    guardrail_id = ready(bedrock, "doomed")
    _version(bedrock, guardrail_id)
    bedrock.delete_guardrail(guardrailIdentifier=guardrail_id)
    assert bedrock.get_guardrail(guardrailIdentifier=guardrail_id, guardrailVersion="1")["status"] == "DELETING"
    for version in ("DRAFT", "1"):
        assert code_of(bedrock.get_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion=version)[0] == 404
    assert bedrock.list_guardrails()["guardrails"] == []
    assert code_of(bedrock.delete_guardrail, guardrailIdentifier=guardrail_id)[1] == "ResourceNotFoundException"


def test_list_shows_drafts_or_every_version(server: be.BedrockServer, bedrock: Any) -> None:
    control(server, "POST", "/_test/guardrails/config", {"ready_after_reads": 0})
    ids = [create(bedrock, f"listed-{index}", description=f"number {index}")["guardrailId"] for index in range(3)]
    for dummy in range(2):
        bedrock.create_guardrail_version(guardrailIdentifier=ids[1])
    drafts = bedrock.list_guardrails()["guardrails"]
    assert [(item["id"], item["version"], item["status"]) for item in drafts] == [(i, "DRAFT", "READY") for i in ids]
    assert set(drafts[0]) == {"id", "arn", "status", "name", "description", "version", "createdAt", "updatedAt"}
    versions = bedrock.list_guardrails(guardrailIdentifier=ids[1])["guardrails"]
    assert [item["version"] for item in versions] == ["DRAFT", "1", "2"]
    by_arn = bedrock.list_guardrails(guardrailIdentifier=drafts[1]["arn"])["guardrails"]
    assert [item["version"] for item in by_arn] == ["DRAFT", "1", "2"]
    assert code_of(bedrock.list_guardrails, guardrailIdentifier="abcdefabcdef")[0] == 404


def test_pages_go_to_the_end(server: be.BedrockServer, bedrock: Any) -> None:
    control(server, "POST", "/_test/guardrails/config", {"ready_after_reads": 0, "max_page_size": 2})
    names = [create(bedrock, f"paged-{index}")["guardrailId"] for index in range(5)]
    first = bedrock.list_guardrails(maxResults=3)
    # The server may answer fewer than asked: only a client that follows nextToken sees them all.
    assert len(first["guardrails"]) == 2 and "nextToken" in first
    pages = list(bedrock.get_paginator("list_guardrails").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page["guardrails"]) for page in pages] == [2, 2, 1] and "nextToken" not in pages[-1]
    assert [item["id"] for page in pages for item in page["guardrails"]] == names
    versions = bedrock.list_guardrails(guardrailIdentifier=names[0], maxResults=1)
    for token in (first["nextToken"], "not-a-token"):
        status, code, dummy = code_of(bedrock.list_guardrails, guardrailIdentifier=names[0], nextToken=token)
        assert (status, code) == (400, "ValidationException")
    assert "nextToken" not in versions


def test_the_default_page_size(server: be.BedrockServer, bedrock: Any) -> None:
    control(server, "POST", "/_test/guardrails/config", {"page_size": 1})
    for index in range(2):
        create(bedrock, f"default-{index}")
    assert len(bedrock.list_guardrails()["guardrails"]) == 1


def test_quotas(server: be.BedrockServer, bedrock: Any) -> None:
    control(
        server, "POST", "/_test/guardrails/config", {"max_guardrails": 1, "max_versions": 1, "ready_after_reads": 0}
    )
    guardrail_id = create(bedrock, "quota")["guardrailId"]
    status, code, dummy = code_of(bedrock.create_guardrail, name="quota-2", **MESSAGES)
    assert (status, code) == (400, "ServiceQuotaExceededException")
    bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id)
    assert (
        code_of(bedrock.create_guardrail_version, guardrailIdentifier=guardrail_id)[1]
        == "ServiceQuotaExceededException"
    )


@pytest.mark.parametrize(
    "operation, call, code, status",
    [
        ("CreateGuardrail", "create_guardrail", "ThrottlingException", 429),
        ("ListGuardrails", "list_guardrails", "InternalServerException", 500),
        ("GetGuardrail", "get_guardrail", "ServiceUnavailableException", 503),
        ("UpdateGuardrail", "update_guardrail", "AccessDeniedException", 403),
        ("DeleteGuardrail", "delete_guardrail", "ConflictException", 400),
        ("CreateGuardrailVersion", "create_guardrail_version", "ValidationException", 400),
    ],
)
def test_injected_faults_fail_the_next_calls(
    server: be.BedrockServer, bedrock: Any, operation: str, call: str, code: str, status: int
) -> None:
    guardrail_id = ready(bedrock, "faulty")
    kwargs: dict[str, Any] = {
        "create_guardrail": {"name": "another", **MESSAGES},
        "list_guardrails": {},
        "update_guardrail": {"guardrailIdentifier": guardrail_id, "name": "faulty", **MESSAGES},
    }.get(call, {"guardrailIdentifier": guardrail_id})
    control(server, "POST", "/_test/faults", {"operation": operation, "error": code, "times": 2})
    for dummy in range(2):
        assert code_of(getattr(bedrock, call), **kwargs)[:2] == (status, code)
    getattr(bedrock, call)(**kwargs)


def test_botocore_retries_a_throttled_call(server: be.BedrockServer, bedrock: Any, no_backoff: None) -> None:
    retrying = guardrail_clients(server.url, retries={"total_max_attempts": 4, "mode": "standard"})[0]
    control(
        server,
        "POST",
        "/_test/faults",
        {"operation": "CreateGuardrail", "error": "ThrottlingException", "times": 3},
    )
    response = create(retrying, "patient", clientRequestToken="retry-token")
    assert response["ResponseMetadata"]["RetryAttempts"] == 3
    assert [item["operation"] for item in recorded(server)] == ["CreateGuardrail"] * 4
    assert len(bedrock.list_guardrails()["guardrails"]) == 1


def test_every_operation_is_signed(signed_server: be.BedrockServer) -> None:
    control(signed_server, "DELETE", "/_test/requests")
    bedrock, runtime = guardrail_clients(signed_server.url)
    guardrail_id = create(bedrock, "signed", tags=[{"key": "k", "value": "v"}])["guardrailId"]
    wait_status(bedrock, guardrail_id)
    update(bedrock, guardrail_id, "signed", description="still signed")
    wait_status(bedrock, guardrail_id)
    _version(bedrock, guardrail_id)
    arn = bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["guardrailArn"]
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "k", "value": "v"}]
    runtime.apply_guardrail(
        guardrailIdentifier=arn, guardrailVersion="1", source="INPUT", content=[{"text": {"text": "hello"}}]
    )
    assert len(bedrock.list_guardrails(guardrailIdentifier=arn)["guardrails"]) == 2
    bedrock.delete_guardrail(guardrailIdentifier=guardrail_id)
    wrong = guardrail_clients(signed_server.url, secret="wrong-secret")
    status, code, dummy = code_of(wrong[0].list_guardrails)
    assert (status, code) == (403, "InvalidSignatureException")
    unsigned = raw_request(signed_server, "GET", "/guardrails")
    assert unsigned[0] == 403 and unsigned[1]["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_the_control_routes(server: be.BedrockServer, bedrock: Any) -> None:
    arn = create(bedrock, "controlled")["guardrailArn"]
    [snapshot] = control(server, "GET", "/_test/guardrails")
    assert (snapshot["arn"], snapshot["status"], snapshot["versions"]["DRAFT"]["readsLeft"]) == (arn, "CREATING", 1)
    control(server, "POST", f"/_test/guardrails/{quote(arn, safe='')}/ready")
    assert control(server, "GET", "/_test/guardrails")[0]["versions"]["DRAFT"]["history"] == ["CREATING", "READY"]
    refused = [
        ("POST", "/_test/guardrails/config", {"ready_after_reads": "two"}, 400),
        ("POST", "/_test/guardrails/controlled/fail", {"operation": "DeleteGuardrail"}, 400),
        ("POST", "/_test/guardrails/controlled/fail", {"reasons": "not a list"}, 400),
        ("POST", "/_test/guardrails/nobody/ready", {}, 404),
        ("GET", "/_test/guardrails/elsewhere", None, 404),
    ]
    for method, path, payload, expected in refused:
        body = json.dumps(payload).encode("utf-8") if payload is not None else b""
        status, dummy, answer = raw_request(server, method, path, body)
        assert status == expected and "message" in json.loads(answer), (path, answer)
    assert raw_request(server, "POST", "/_test/guardrails/config", b"[1]")[0] == 400


def test_a_reset_forgets_everything(server: be.BedrockServer, bedrock: Any) -> None:
    control(server, "POST", "/_test/guardrails/config", {"page_size": 1})
    create(bedrock, "remembered", clientRequestToken="reset-token")
    control(server, "POST", "/_test/faults", {"operation": "ListGuardrails", "error": "ThrottlingException"})
    control(server, "DELETE", "/_test/guardrails")
    assert control(server, "GET", "/_test/faults") == {}
    assert bedrock.list_guardrails()["guardrails"] == []
    assert control(server, "GET", "/_test/guardrails/config")["page_size"] == 10
    # The token is forgotten too: the same request makes a new guardrail.
    again = create(bedrock, "remembered", clientRequestToken="reset-token")
    assert [item["id"] for item in bedrock.list_guardrails()["guardrails"]] == [again["guardrailId"]]


def test_the_command_line_sets_the_pace(tmp_path: Any) -> None:
    flags = ["--guardrail-ready-after-reads", "2", "--guardrail-ready-after-seconds", "30"]
    endpoints = launcher.start(str(tmp_path), {"fake": [*flags, "--guardrail-apply-latency", "0.5"]})
    try:
        url = endpoints["fake"].url
        with urllib.request.urlopen(url + "/_test/guardrails/config", timeout=10) as response:
            settings = json.loads(response.read())
        assert (settings["ready_after_reads"], settings["ready_after_seconds"], settings["apply_latency"]) == (
            2,
            30,
            0.5,
        )
        bedrock = guardrail_clients(url)[0]
        assert wait_status(bedrock, create(bedrock, "from-the-cli")["guardrailId"])[1] == ["CREATING"] * 2 + ["READY"]
    finally:
        launcher.stop(endpoints.values())


def test_guardrail_paths_are_never_sent_to_s3() -> None:
    for path in ("/guardrails", "/guardrails/abc", "/guardrail/abc/version/DRAFT/apply", "/_test/guardrails/stats"):
        assert is_bedrock_path(path)
    assert not is_bedrock_path("/guard-bucket/key")
