# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guardrail API's request checks, as the service makes them (botocore 1.44.8 service models
``bedrock/2023-04-20`` and ``bedrock-runtime/2023-09-30``).

The shapes below copy the model's members, lengths, patterns and enums (test_guardrail_rules.py compares them with
botocore's); on top of them come the rules the model cannot express and the service enforces: a filter type, topic
name, PII type or regex name given twice, a regex that does not compile, a grounding threshold above 0.99,
PROMPT_ATTACK with an output strength other than NONE, a STANDARD tier without ``crossRegionConfig``, and a word or
sensitive information policy with nothing in it.
"""

from __future__ import annotations

import re
from typing import Any

from .control_plane import IDEMPOTENCY_TOKEN
from .control_plane import Checks
from .control_plane import Flag
from .control_plane import Items
from .control_plane import Number
from .control_plane import OneOf
from .control_plane import Struct
from .control_plane import Text
from .tagging import check_tag_list

GUARDRAIL_NAME = re.compile(r"[0-9a-zA-Z-_]+")
TOPIC_NAME = re.compile(r"[0-9a-zA-Z-_ !?.]+")
GUARDRAIL_ID = re.compile(r"[a-z0-9]+")
GUARDRAIL_IDENTIFIER = re.compile(
    r"(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))"
)
GUARDRAIL_VERSION = re.compile(r"(([1-9][0-9]{0,7})|(DRAFT))")
NUMERICAL_VERSION = re.compile(r"[1-9][0-9]{0,7}")
KMS_KEY_ID = re.compile(
    r"(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))"
    r"|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)"
)
PROFILE_IDENTIFIER = re.compile(
    r"[a-z0-9-]+[.]{1}guardrail[.]{1}v[0-9:]+"
    r"|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail-profile/[a-z0-9-]+[.]{1}guardrail[.]{1}v[0-9:]+"
)
REASONING_POLICY_ARN = re.compile(
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:automated-reasoning-policy/[a-z0-9]{12}(:([1-9][0-9]{0,11}))?"
)

STATUSES = ("CREATING", "UPDATING", "VERSIONING", "READY", "FAILED", "DELETING")
CONTENT_FILTER_TYPES = ("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT", "PROMPT_ATTACK")
STRENGTHS = ("NONE", "LOW", "MEDIUM", "HIGH")
PII_TYPES = (
    "ADDRESS",
    "AGE",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "CA_HEALTH_NUMBER",
    "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV",
    "CREDIT_DEBIT_CARD_EXPIRY",
    "CREDIT_DEBIT_CARD_NUMBER",
    "DRIVER_ID",
    "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
    "IP_ADDRESS",
    "LICENSE_PLATE",
    "MAC_ADDRESS",
    "NAME",
    "PASSWORD",
    "PHONE",
    "PIN",
    "SWIFT_CODE",
    "UK_NATIONAL_HEALTH_SERVICE_NUMBER",
    "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
    "URL",
    "USERNAME",
    "US_BANK_ACCOUNT_NUMBER",
    "US_BANK_ROUTING_NUMBER",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER",
    "US_PASSPORT_NUMBER",
    "US_SOCIAL_SECURITY_NUMBER",
    "VEHICLE_IDENTIFICATION_NUMBER",
)
# The documented range of a contextual grounding threshold (the model says only "at least 0").
MAX_THRESHOLD = 0.99

_BLOCK_OR_NONE = OneOf(("BLOCK", "NONE"))
_PII_ACTION = OneOf(("BLOCK", "ANONYMIZE", "NONE"))
_TIER = Struct({"tierName": OneOf(("CLASSIC", "STANDARD"))}, ("tierName",))
_MODALITIES = Items(OneOf(("TEXT", "IMAGE")), 1, 2)


def _directions(action: OneOf) -> dict[str, Any]:
    """The per-direction members that every policy entry has (boto3 1.37.29 and later)."""
    return {"inputAction": action, "outputAction": action, "inputEnabled": Flag(), "outputEnabled": Flag()}


TOPIC = Struct(
    {
        "name": Text(1, 100, TOPIC_NAME),
        "definition": Text(1, 200),
        "examples": Items(Text(1, 100), 0, 5),
        "type": OneOf(("DENY",)),
        **_directions(_BLOCK_OR_NONE),
    },
    ("name", "definition", "type"),
)
CONTENT_FILTER = Struct(
    {
        "type": OneOf(CONTENT_FILTER_TYPES),
        "inputStrength": OneOf(STRENGTHS),
        "outputStrength": OneOf(STRENGTHS),
        "inputModalities": _MODALITIES,
        "outputModalities": _MODALITIES,
        **_directions(_BLOCK_OR_NONE),
    },
    ("type", "inputStrength", "outputStrength"),
)
WORD = Struct({"text": Text(1, 100), **_directions(_BLOCK_OR_NONE)}, ("text",))
MANAGED_WORDS = Struct({"type": OneOf(("PROFANITY",)), **_directions(_BLOCK_OR_NONE)}, ("type",))
PII_ENTITY = Struct({"type": OneOf(PII_TYPES), "action": _PII_ACTION, **_directions(_PII_ACTION)}, ("type", "action"))
REGEX = Struct(
    {
        "name": Text(1, 100),
        "description": Text(1, 1000),
        "pattern": Text(1, 500),
        "action": _PII_ACTION,
        **_directions(_PII_ACTION),
    },
    ("name", "pattern", "action"),
)
GROUNDING_FILTER = Struct(
    {
        "type": OneOf(("GROUNDING", "RELEVANCE")),
        "threshold": Number(0, MAX_THRESHOLD),
        "action": _BLOCK_OR_NONE,
        "enabled": Flag(),
    },
    ("type", "threshold"),
)

# The policies of CreateGuardrail and UpdateGuardrail, by request member.
POLICIES = {
    "topicPolicyConfig": Struct({"topicsConfig": Items(TOPIC, 1, 30), "tierConfig": _TIER}, ("topicsConfig",)),
    "contentPolicyConfig": Struct(
        {"filtersConfig": Items(CONTENT_FILTER, 1, 6), "tierConfig": _TIER}, ("filtersConfig",)
    ),
    "wordPolicyConfig": Struct({"wordsConfig": Items(WORD, 1, 10000), "managedWordListsConfig": Items(MANAGED_WORDS)}),
    "sensitiveInformationPolicyConfig": Struct(
        {"piiEntitiesConfig": Items(PII_ENTITY, 1), "regexesConfig": Items(REGEX, 1, 30)}
    ),
    "contextualGroundingPolicyConfig": Struct(
        {"filtersConfig": Items(GROUNDING_FILTER, 1), "tierConfig": _TIER}, ("filtersConfig",)
    ),
    "automatedReasoningPolicyConfig": Struct(
        {
            "policies": Items(Text(1, 2048, REASONING_POLICY_ARN), 1, 2),
            "confidenceThreshold": Number(0, 1),
        },
        ("policies",),
    ),
}
_GUARDRAIL = {
    "name": Text(1, 50, GUARDRAIL_NAME),
    "description": Text(1, 200),
    **POLICIES,
    "crossRegionConfig": Struct(
        {"guardrailProfileIdentifier": Text(15, 2048, PROFILE_IDENTIFIER)}, ("guardrailProfileIdentifier",)
    ),
    "blockedInputMessaging": Text(1, 500),
    "blockedOutputsMessaging": Text(1, 500),
    "kmsKeyId": Text(1, 2048, KMS_KEY_ID),
}
_REQUIRED = ("name", "blockedInputMessaging", "blockedOutputsMessaging")
# The JSON bodies of the control plane's requests (tags are checked by tagging.py, as for every resource).
CREATE_GUARDRAIL = Struct(
    {**_GUARDRAIL, "tags": Items(Struct()), "clientRequestToken": Text(1, 256, IDEMPOTENCY_TOKEN)}, _REQUIRED
)
UPDATE_GUARDRAIL = Struct(_GUARDRAIL, _REQUIRED)
CREATE_VERSION = Struct({"description": Text(1, 200), "clientRequestToken": Text(1, 256, IDEMPOTENCY_TOKEN)})


def check_guardrail(request: dict[str, Any], create: bool) -> None:
    """Raise ValidationException for a CreateGuardrail (or UpdateGuardrail) body the service would refuse."""
    checks = Checks()
    if create and isinstance(request.get("tags"), list):
        check_tag_list(checks, request["tags"])
        request = {name: value for name, value in request.items() if name != "tags"}
    checks.shape(request, CREATE_GUARDRAIL if create else UPDATE_GUARDRAIL, "")
    checks.raise_any()
    _check_policies(checks, request)
    checks.raise_any()


def _entries(request: dict[str, Any], policy: str, member: str) -> list[dict[str, Any]]:
    return list((request.get(policy) or {}).get(member) or [])


def _once(checks: Checks, entries: list[dict[str, Any]], key: str, where: str, fold: bool = False) -> None:
    """Record an entry whose ``key`` an earlier entry of the same list already has."""
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        value = entry[key].lower() if fold else entry[key]
        if value in seen:
            checks.fail(entry[key], f"{where}.{index}.member.{key}", f"Member must be unique: {key} given twice")
        seen.add(value)


def _check_policies(checks: Checks, request: dict[str, Any]) -> None:
    filters = _entries(request, "contentPolicyConfig", "filtersConfig")
    _once(checks, filters, "type", "contentPolicyConfig.filtersConfig")
    for index, item in enumerate(filters, 1):
        if item["type"] == "PROMPT_ATTACK" and item["outputStrength"] != "NONE":
            where = f"contentPolicyConfig.filtersConfig.{index}.member.outputStrength"
            checks.fail(item["outputStrength"], where, "Member must be NONE for the PROMPT_ATTACK filter")
    _once(
        checks, _entries(request, "topicPolicyConfig", "topicsConfig"), "name", "topicPolicyConfig.topicsConfig", True
    )
    managed = _entries(request, "wordPolicyConfig", "managedWordListsConfig")
    _once(checks, managed, "type", "wordPolicyConfig.managedWordListsConfig")
    pii = _entries(request, "sensitiveInformationPolicyConfig", "piiEntitiesConfig")
    _once(checks, pii, "type", "sensitiveInformationPolicyConfig.piiEntitiesConfig")
    regexes = _entries(request, "sensitiveInformationPolicyConfig", "regexesConfig")
    _once(checks, regexes, "name", "sensitiveInformationPolicyConfig.regexesConfig")
    for index, item in enumerate(regexes, 1):
        try:
            re.compile(item["pattern"])
        except re.error as exc:
            where = f"sensitiveInformationPolicyConfig.regexesConfig.{index}.member.pattern"
            checks.fail(item["pattern"], where, f"Member must be a valid regular expression ({exc})")
    grounding = _entries(request, "contextualGroundingPolicyConfig", "filtersConfig")
    _once(checks, grounding, "type", "contextualGroundingPolicyConfig.filtersConfig")
    for policy, members in (
        ("wordPolicyConfig", "wordsConfig, managedWordListsConfig"),
        ("sensitiveInformationPolicyConfig", "piiEntitiesConfig, regexesConfig"),
    ):
        if policy in request and not any(request[policy].values()):
            checks.fail(request[policy], policy, f"Member must set at least one of the following keys: {members}")
    if "crossRegionConfig" not in request:
        for policy in ("contentPolicyConfig", "topicPolicyConfig", "contextualGroundingPolicyConfig"):
            tier = (request.get(policy) or {}).get("tierConfig", {}).get("tierName")
            if tier == "STANDARD":
                checks.fail(tier, f"{policy}.tierConfig.tierName", "The STANDARD tier requires a crossRegionConfig")


def check_version_request(request: dict[str, Any]) -> None:
    checks = Checks()
    checks.shape(request, CREATE_VERSION, "")
    checks.raise_any()


def check_identifier(identifier: str, where: str = "guardrailIdentifier") -> None:
    checks = Checks()
    checks.string(identifier, where, GUARDRAIL_IDENTIFIER, 0, 2048)
    checks.raise_any()


def check_version(version: str | None, numbered: bool = False) -> None:
    """A ``guardrailVersion`` query parameter: DRAFT or a number (a number only for DeleteGuardrail)."""
    if version is not None:
        checks = Checks()
        checks.string(version, "guardrailVersion", NUMERICAL_VERSION if numbered else GUARDRAIL_VERSION)
        checks.raise_any()


def check_list(query: dict[str, str]) -> dict[str, Any]:
    """The ListGuardrails query parameters, typed, or ValidationException."""
    checks = Checks()
    result: dict[str, Any] = {}
    if "guardrailIdentifier" in query:
        checks.string(query["guardrailIdentifier"], "guardrailIdentifier", GUARDRAIL_IDENTIFIER, 0, 2048)
        result["guardrailIdentifier"] = query["guardrailIdentifier"]
    checks.page(query, result)
    checks.raise_any()
    return result
