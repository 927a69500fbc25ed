# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The guardrail family's AWS side, against botocore's Stubber (which checks every call against the service model);
the whole runs of the modules are tests/unit/plugins/modules/test_bedrock_guardrail*.py."""

from __future__ import annotations

import datetime

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.stub import ANY
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import guardrail
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure

GUARDRAIL_ID = "abcdefgh1234"
ARN = f"arn:aws:bedrock:us-east-1:123456789012:guardrail/{GUARDRAIL_ID}"
WHEN = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(name="bedrock")
def fixture_bedrock(monkeypatch):
    """(client, Stubber): a bedrock client retried as the modules' are, whose sleeps (retries, polls) return at once."""
    monkeypatch.setattr("ansible_collections.amazon.ai.plugins.module_utils.waiting.time.sleep", lambda s: None)
    monkeypatch.setattr("ansible_collections.amazon.ai.plugins.module_utils.backoff.time.sleep", lambda s: None)
    client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(client) as stub:
        yield RetryingBotoClientWrapper(client, retry_decorator()), stub
        stub.assert_no_pending_responses()


class Capture:
    """Stands for a parameter in a Stubber's expected parameters: matches anything, and keeps what it was given."""

    def __init__(self):
        self.values = []

    def __eq__(self, other):
        self.values.append(other)
        return True

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None


def summary(version="DRAFT", name="support", status="READY"):
    return {
        "id": GUARDRAIL_ID,
        "arn": ARN,
        "status": status,
        "name": name,
        "version": version,
        "createdAt": WHEN,
        "updatedAt": WHEN,
    }


def answer(status="READY", version="DRAFT", **more):
    value = {
        "name": "support",
        "guardrailId": GUARDRAIL_ID,
        "guardrailArn": ARN,
        "version": version,
        "status": status,
        "blockedInputMessaging": "Blocked.",
        "blockedOutputsMessaging": "Blocked too.",
        "createdAt": WHEN,
        "updatedAt": WHEN,
    }
    value.update(more)
    return value


def test_find_guardrail_reads_every_page_and_keeps_the_exact_name(bedrock):
    client, stub = bedrock
    stub.add_response(
        "list_guardrails", {"guardrails": [summary(name="support-2")], "nextToken": "t2"}, {"maxResults": 1000}
    )
    stub.add_response("list_guardrails", {"guardrails": [summary()]}, {"maxResults": 1000, "nextToken": "t2"})
    assert guardrail.find_guardrail(client, "support")["name"] == "support"


def test_published_versions_are_numbered_versions_oldest_first(bedrock):
    client, stub = bedrock
    listed = [summary("10"), summary(), summary("9")]
    stub.add_response("list_guardrails", {"guardrails": listed}, {"maxResults": 1000, "guardrailIdentifier": ARN})
    assert [s["version"] for s in guardrail.published_versions(client, ARN)] == ["9", "10"]


def test_wait_settled_polls_until_no_change_is_under_way(bedrock):
    client, stub = bedrock
    query = {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "3"}
    stub.add_client_error("get_guardrail", "ThrottlingException", http_status_code=429)
    stub.add_response("get_guardrail", answer("VERSIONING", "3"), query)
    stub.add_response("get_guardrail", answer("READY", "3"), query)
    assert guardrail.wait_settled(client, answer("VERSIONING", "3"), 60, {})["status"] == "READY"


def test_wait_settled_fails_the_task_with_what_is_known_when_time_runs_out(bedrock):
    client, dummy = bedrock
    known = {"changed": True}
    with pytest.raises(TaskFailure) as raised:
        guardrail.wait_settled(client, answer("UPDATING"), 0, known)
    assert raised.value.msg == "Guardrail 'support' is still UPDATING after 0 seconds (wait_timeout)"
    assert raised.value.result is known


@pytest.mark.parametrize(
    "failed, message",
    [
        (
            answer("FAILED", statusReasons=["Bad.", "Worse."], failureRecommendations=["Fix it."]),
            "Guardrail 'support' is FAILED: Bad. Worse. Bedrock recommends: Fix it.",
        ),
        (answer("FAILED", "2"), "Guardrail 'support' version 2 is FAILED: Bedrock gives no reason."),
    ],
)
def test_check_ready_fails_with_bedrocks_reasons(failed, message):
    with pytest.raises(TaskFailure, match=message.replace(".", r"\.")):
        guardrail.check_ready(failed, {})
    guardrail.check_ready(answer(), {})


def test_a_version_token_answered_with_a_deleted_version_is_replaced(bedrock):
    client, stub = bedrock
    token = Capture()
    expected = {"guardrailIdentifier": GUARDRAIL_ID, "clientRequestToken": token, "description": "R"}
    stub.add_response("create_guardrail_version", {"guardrailId": GUARDRAIL_ID, "version": "4"}, expected)
    stub.add_client_error("get_guardrail", "ResourceNotFoundException", http_status_code=404)
    stub.add_response("create_guardrail_version", {"guardrailId": GUARDRAIL_ID, "version": "5"}, expected)
    stub.add_response(
        "get_guardrail", answer("VERSIONING", "5"), {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "5"}
    )
    version = guardrail.create_version(client, answer(), "R", "3")
    assert version["version"] == "5"
    assert len(token.values) == 2 and token.values[0] != token.values[1]
    assert all(value.startswith("amazonai-") for value in token.values)


def test_the_version_token_follows_the_draft_and_the_newest_version(bedrock):
    client, stub = bedrock
    token = Capture()
    for draft, newest in (
        (answer(), "3"),
        (answer(), "3"),
        (answer(updatedAt=WHEN + datetime.timedelta(1)), "3"),
        (answer(), "4"),
    ):
        stub.add_response(
            "create_guardrail_version",
            {"guardrailId": GUARDRAIL_ID, "version": "5"},
            {"guardrailIdentifier": GUARDRAIL_ID, "clientRequestToken": token},
        )
        stub.add_response(
            "get_guardrail", answer(version="5"), {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": ANY}
        )
        guardrail.create_version(client, draft, None, newest)
    assert token.values[0] == token.values[1]
    assert len(set(token.values)) == 3


@pytest.mark.parametrize(
    "params, message",
    [
        ({"state": "absent", "publish_version": True}, "publish_version cannot be used with state=absent"),
        ({"wait_timeout": -1}, "wait_timeout must be 0 or more seconds, not -1"),
        ({"version_description": "d" * 201}, "version_description must be 1 to 200 characters long, not 201"),
        ({"tags": {"team": 7}}, "tags: the value of 'team' must be a string"),
    ],
)
def test_check_guardrail_params(params, message):
    task = {"name": "support", "state": "present", "wait_timeout": 300, **params}
    with pytest.raises(BedrockParameterError, match=message.replace("(", r"\(")):
        guardrail.check_guardrail_params(task)


def test_check_guardrail_params_gives_the_tasks_wishes():
    wanted = guardrail.check_guardrail_params(
        {"name": "support", "state": "present", "wait_timeout": 0, "word_policy": {"words": ["darn"]}}
    )
    assert wanted["name"] == "support" and wanted["word_policy"]["words"][0]["text"] == "darn"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"guardrail_identifier": "ABC"}, "guardrail_identifier 'ABC' is not a guardrail id"),
        ({"guardrail_identifier": ARN + "/x"}, "guardrail_identifier .* is not a guardrail id"),
        ({"version": "1"}, "version needs name or guardrail_identifier"),
        ({"name": "support", "version": "0"}, r"^version must be a version number \(1, 2, ...\) or DRAFT, not '0'"),
    ],
)
def test_check_info_params(params, message):
    with pytest.raises(BedrockParameterError, match=message):
        guardrail.check_info_params(params)
    guardrail.check_info_params({"guardrail_identifier": ARN, "version": "DRAFT"})
    guardrail.check_info_params({"guardrail_identifier": GUARDRAIL_ID})
