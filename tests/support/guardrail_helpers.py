# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the tests of the fake guardrail API share: boto3 bedrock and bedrock-runtime clients, requests, waiting."""

from __future__ import annotations

import re
import time
from typing import Any

import botocore.exceptions
import pytest
from botocore.config import Config

from .helpers import NO_RETRIES
from .helpers import shared_session

KEY = "AKIDAMAZONAITEST"
SECRET = "amazon-ai-test-secret"
MESSAGES = {
    "blockedInputMessaging": "Sorry, I cannot take that.",
    "blockedOutputsMessaging": "Sorry, I cannot say that.",
}
EVERY_POLICY: dict[str, Any] = {
    "description": "Every policy the service takes",
    "contentPolicyConfig": {
        "filtersConfig": [
            {"type": "VIOLENCE", "inputStrength": "HIGH", "outputStrength": "MEDIUM"},
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"},
            {"type": "HATE", "inputStrength": "LOW", "outputStrength": "LOW", "inputAction": "NONE"},
        ],
        "tierConfig": {"tierName": "STANDARD"},
    },
    "topicPolicyConfig": {
        "topicsConfig": [
            {"name": "Investment advice", "definition": "Advice on what to invest in.", "type": "DENY"},
            {
                "name": "Astrology",
                "definition": "Horoscopes and star signs.",
                "examples": ["What is my horoscope"],
                "type": "DENY",
                "outputEnabled": False,
            },
        ]
    },
    "wordPolicyConfig": {"wordsConfig": [{"text": "Acme"}], "managedWordListsConfig": [{"type": "PROFANITY"}]},
    "sensitiveInformationPolicyConfig": {
        "piiEntitiesConfig": [
            {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"},
            {"type": "EMAIL", "action": "ANONYMIZE"},
            {"type": "PHONE", "action": "ANONYMIZE", "outputAction": "NONE"},
        ],
        "regexesConfig": [{"name": "ticket", "pattern": r"TCK-\d{4}", "action": "ANONYMIZE", "description": "Ticket"}],
    },
    "contextualGroundingPolicyConfig": {
        "filtersConfig": [{"type": "RELEVANCE", "threshold": 0.5}, {"type": "GROUNDING", "threshold": 0.75}]
    },
    "crossRegionConfig": {"guardrailProfileIdentifier": "us.guardrail.v1:0"},
    "kmsKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
}


def guardrail_clients(
    url: str, region: str = "us-east-1", retries: dict[str, Any] | None = None, secret: str = SECRET
) -> tuple[Any, Any]:
    """(bedrock, bedrock-runtime) clients on one endpoint URL, signed with the test key."""
    config = Config(retries=retries or NO_RETRIES, connect_timeout=5, read_timeout=30)
    keys = {"aws_access_key_id": KEY, "aws_secret_access_key": secret, "region_name": region}
    session = shared_session()
    return (
        session.client("bedrock", endpoint_url=url, config=config, **keys),
        session.client("bedrock-runtime", endpoint_url=url, config=config, **keys),
    )


def create(bedrock: Any, name: str, **members: Any) -> dict[str, Any]:
    return bedrock.create_guardrail(name=name, **MESSAGES, **members)


def update(bedrock: Any, identifier: str, name: str, **members: Any) -> dict[str, Any]:
    return bedrock.update_guardrail(guardrailIdentifier=identifier, name=name, **MESSAGES, **members)


def wait_status(bedrock: Any, identifier: str, version: str = "DRAFT", timeout: float = 10) -> tuple[dict, list[str]]:
    """The guardrail once READY or FAILED, and every status GetGuardrail showed on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        guardrail = bedrock.get_guardrail(guardrailIdentifier=identifier, guardrailVersion=version)
        seen.append(guardrail["status"])
        if guardrail["status"] in ("READY", "FAILED"):
            return guardrail, seen
        assert time.monotonic() < deadline, f"still {guardrail['status']} after {timeout} s: {seen}"
        time.sleep(0.01)


def ready(bedrock: Any, name: str, **members: Any) -> str:
    """A new guardrail's id, once READY."""
    guardrail_id = create(bedrock, name, **members)["guardrailId"]
    wait_status(bedrock, guardrail_id)
    return guardrail_id


def refused(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The error response of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**kwargs)
    return info.value.response


def code_of(call: Any, **kwargs: Any) -> tuple[int, str, str]:
    error = refused(call, **kwargs)
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]


def service_model(service: str) -> Any:
    return shared_session()._session.get_service_model(service)


def assert_fits(value: Any, shape: Any, where: str = "") -> None:
    """Fail unless a JSON value (an answer as sent, before botocore drops what it does not know) fits a shape of
    botocore's service model: known members only, the required ones present, enums, patterns and lengths kept.
    """
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), f"{where}: {value!r} is not a structure"
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{where}: members {sorted(unknown)} are not in {shape.name}"
        missing = set(shape.required_members) - set(value)
        assert not missing, f"{where}: required members {sorted(missing)} of {shape.name} are missing"
        for name, item in value.items():
            assert_fits(item, shape.members[name], f"{where}.{name}")
    elif kind == "list":
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        assert shape.metadata.get("min", 0) <= len(value) <= shape.metadata.get("max", len(value)), where
        for index, item in enumerate(value):
            assert_fits(item, shape.member, f"{where}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: {value!r} is not a string"
        if shape.enum:
            assert value in shape.enum, f"{where}: {value!r} is not one of {shape.enum}"
        assert shape.metadata.get("min", 0) <= len(value) <= shape.metadata.get("max", len(value)), where
        if "pattern" in shape.metadata:
            assert re.fullmatch(shape.metadata["pattern"], value), f"{where}: {value!r} does not match the pattern"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: {value!r} is not a boolean"
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is not an integer"
    elif kind in ("double", "float"):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{where}: {value!r} is not a number"
        assert shape.metadata.get("min", value) <= value <= shape.metadata.get("max", value), where
    else:
        assert kind == "timestamp" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", value), where
