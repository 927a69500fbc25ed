# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of amazon.ai's guardrail modules, and what Bedrock takes for each: one table for every policy.

CreateGuardrail and UpdateGuardrail take `contentPolicyConfig.filtersConfig`; GetGuardrail answers
`contentPolicy.filters`, with defaults filled in. The modules' options name both in snake_case without the Config
suffixes (`content_policy.filters`). POLICIES says, for each policy, its list members, their entries' fields (option
and API names, what each takes, the value the service fills in when it is left out, the first boto3 release that
sends it), and the field that identifies an entry. The modules' argument specs are made from it
(policy_options()), and so are the normal forms, requests and version gates of guardrail_config.py.

Limits, patterns and enumerations are those of botocore's bedrock service model (a unit test compares them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Pattern
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.tagging import tags_options

# Enumerations as botocore's bedrock service model spells them (a unit test compares them with the model).
CONTENT_FILTER_TYPES = ("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT", "PROMPT_ATTACK")
FILTER_STRENGTHS = ("NONE", "LOW", "MEDIUM", "HIGH")
MODALITIES = ("TEXT", "IMAGE")
BLOCK_OR_NONE = ("BLOCK", "NONE")
PII_ACTIONS = ("BLOCK", "ANONYMIZE", "NONE")
TOPIC_TYPES = ("DENY",)
MANAGED_WORD_LIST_TYPES = ("PROFANITY",)
GROUNDING_FILTER_TYPES = ("GROUNDING", "RELEVANCE")
TIERS = ("CLASSIC", "STANDARD")
PII_ENTITY_TYPES = tuple(
    """ADDRESS AGE AWS_ACCESS_KEY AWS_SECRET_KEY CA_HEALTH_NUMBER CA_SOCIAL_INSURANCE_NUMBER CREDIT_DEBIT_CARD_CVV
    CREDIT_DEBIT_CARD_EXPIRY CREDIT_DEBIT_CARD_NUMBER DRIVER_ID EMAIL INTERNATIONAL_BANK_ACCOUNT_NUMBER IP_ADDRESS
    LICENSE_PLATE MAC_ADDRESS NAME PASSWORD PHONE PIN SWIFT_CODE UK_NATIONAL_HEALTH_SERVICE_NUMBER
    UK_NATIONAL_INSURANCE_NUMBER UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER URL USERNAME US_BANK_ACCOUNT_NUMBER
    US_BANK_ROUTING_NUMBER US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER US_PASSPORT_NUMBER US_SOCIAL_SECURITY_NUMBER
    VEHICLE_IDENTIFICATION_NUMBER""".split()
)
TOPIC_NAME_PATTERN = re.compile(r"[0-9a-zA-Z-_ !?.]+")
REASONING_POLICY_ARN_PATTERN = re.compile(
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:automated-reasoning-policy/[a-z0-9]{12}(:([1-9][0-9]{0,11}))?"
)
# The documented range of a contextual grounding threshold (the service model says only "at least 0").
MAX_GROUNDING_THRESHOLD = 0.99
DEFAULT_TIER = "CLASSIC"
# First boto3 releases (botocore's service models, read release by release): the guardrail API itself, contextual
# grounding, content filter modalities, per-direction actions and switches, tiers of content filters and denied
# topics, automated reasoning, and the tier of contextual grounding.
GUARDRAILS_BOTO3 = "1.34.90"
GROUNDING_BOTO3 = "1.34.143"
MODALITIES_BOTO3 = "1.35.75"
DIRECTIONS_BOTO3 = "1.37.29"
TIERS_BOTO3 = "1.38.41"
REASONING_BOTO3 = "1.40.3"
GROUNDING_TIER_BOTO3 = "1.43.116"


def option_error(where: str, problem: str) -> BedrockParameterError:
    return BedrockParameterError(f"{where} {problem}")


class Choice(NamedTuple):
    """One of a few words, as the API spells them; a task may write them in any case."""

    choices: Tuple[str, ...]
    spec = {"type": "str"}

    def normal(self, value: Any, where: str, strict: bool) -> str:
        if not isinstance(value, str):
            if strict:
                raise option_error(where, f"must be one of {', '.join(self.choices)}, not {value!r}")
            return str(value)
        word = value.upper()
        if strict and word not in self.choices:
            raise option_error(where, f"must be one of {', '.join(self.choices)} (in any case), not {value[:100]!r}")
        return word


class Text(NamedTuple):
    """A string of low to high characters, matching pattern (whole) when there is one; rule says it in words."""

    low: int
    high: int
    pattern: Optional[Pattern[str]] = None
    rule: str = ""
    spec = {"type": "str"}

    def normal(self, value: Any, where: str, strict: bool) -> str:
        if not strict:
            return str(value)
        if not isinstance(value, str):
            raise option_error(where, f"must be a string, not {type(value).__name__}")
        if not self.low <= len(value) <= self.high:
            raise option_error(where, f"must be {self.low} to {self.high} characters long, not {len(value)}")
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise option_error(where, f"{value[:100]!r} is not valid: {self.rule}")
        return value


class Regex(NamedTuple):
    """A regular expression the service compiles: refused early when Python's re cannot compile it."""

    text: Text
    spec = {"type": "str"}

    def normal(self, value: Any, where: str, strict: bool) -> str:
        value = self.text.normal(value, where, strict)
        if strict:
            try:
                re.compile(value)
            except re.error as e:
                raise option_error(where, f"{value[:100]!r} is not a regular expression: {e}") from None
        return value


class Flag(NamedTuple):
    spec = {"type": "bool"}

    def normal(self, value: Any, where: str, strict: bool) -> bool:
        if strict and not isinstance(value, bool):
            raise option_error(where, f"must be true or false, not {value!r}")
        return bool(value)


class Number(NamedTuple):
    low: float
    high: float
    spec = {"type": "float"}

    def normal(self, value: Any, where: str, strict: bool) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            if strict:
                raise option_error(where, f"must be a number from {self.low} to {self.high}, not {value!r}")
            return value
        if strict and not self.low <= value <= self.high:
            raise option_error(where, f"must be from {self.low} to {self.high}, not {value}")
        return float(value)


class Many(NamedTuple):
    """A list of low to high items; as_set: order and repeats do not matter (sorted, each once)."""

    item: Any
    low: int
    high: int
    as_set: bool = False

    @property
    def spec(self) -> Dict[str, Any]:
        return {"type": "list", "elements": self.item.spec["type"]}

    def normal(self, value: Any, where: str, strict: bool) -> List[Any]:
        if not isinstance(value, list):
            if strict:
                raise option_error(where, f"must be a list, not {type(value).__name__}")
            return []
        items = [self.item.normal(item, f"{where}[{index}]", strict) for index, item in enumerate(value)]
        if self.as_set:
            items = sorted(set(items))
        if strict and not self.low <= len(items) <= self.high:
            raise option_error(where, f"must hold {self.low} to {self.high} items, not {len(items)}")
        return items


# A default is the value the service fills in, or a function of the entry (PII entities: their action).
Default = Any


class Field(NamedTuple):
    """A member of a policy entry (or of a policy). required: the request needs it, and the task too unless the
    field has a default; default: what the service fills in when it is left out; boto3: the first release sending it."""

    option: str
    api: str
    kind: Any
    required: bool = False
    default: Default = None
    boto3: Optional[str] = None


class Entry(NamedTuple):
    """A policy list's entries: fields, the one that identifies an entry (fold: case-insensitively; unique: at
    most once in the list, as the service requires), and the field a bare string stands for (a word's text)."""

    fields: Tuple[Field, ...]
    key: str
    fold: bool = False
    unique: bool = True
    shorthand: Optional[str] = None


class ListMember(NamedTuple):
    """A list member of a policy: its option, request and answer names, entries, and most entries (None: no limit)."""

    option: str
    request: str
    answer: str
    entry: Entry
    high: Optional[int] = None


class Policy(NamedTuple):
    """One policy: its option, request and answer members, lists, plain fields, tier, and boto3 releases."""

    option: str
    request: str
    answer: str
    lists: Tuple[ListMember, ...] = ()
    fields: Tuple[Field, ...] = ()
    tier_boto3: Optional[str] = None
    boto3: Optional[str] = None

    @property
    def members(self) -> Tuple[str, ...]:
        tier = ("tier",) if self.tier_boto3 else ()
        return tuple(member.option for member in self.lists) + tuple(f.option for f in self.fields) + tier


def _directions(actions: Tuple[str, ...], default: Default) -> Tuple[Field, ...]:
    """The per-direction action and switch every policy entry has (filled in as default and true)."""
    return (
        Field("input_action", "inputAction", Choice(actions), default=default, boto3=DIRECTIONS_BOTO3),
        Field("output_action", "outputAction", Choice(actions), default=default, boto3=DIRECTIONS_BOTO3),
        Field("input_enabled", "inputEnabled", Flag(), default=True, boto3=DIRECTIONS_BOTO3),
        Field("output_enabled", "outputEnabled", Flag(), default=True, boto3=DIRECTIONS_BOTO3),
    )


def _pii_action(entry: Mapping) -> Any:
    return entry.get("action")


_MODALITY_LIST = Many(Choice(MODALITIES), 1, 2, as_set=True)
CONTENT_FILTER = Entry(
    (
        Field("type", "type", Choice(CONTENT_FILTER_TYPES), required=True),
        Field("input_strength", "inputStrength", Choice(FILTER_STRENGTHS), required=True),
        Field("output_strength", "outputStrength", Choice(FILTER_STRENGTHS), required=True),
        Field("input_modalities", "inputModalities", _MODALITY_LIST, default=["TEXT"], boto3=MODALITIES_BOTO3),
        Field("output_modalities", "outputModalities", _MODALITY_LIST, default=["TEXT"], boto3=MODALITIES_BOTO3),
        *_directions(BLOCK_OR_NONE, "BLOCK"),
    ),
    key="type",
)
TOPIC = Entry(
    (
        Field("name", "name", Text(1, 100, TOPIC_NAME_PATTERN, "letters, digits, spaces and - _ ! ? ."), required=True),
        Field("definition", "definition", Text(1, 200), required=True),
        Field("examples", "examples", Many(Text(1, 100), 0, 5), default=[]),
        Field("type", "type", Choice(TOPIC_TYPES), required=True, default="DENY"),
        *_directions(BLOCK_OR_NONE, "BLOCK"),
    ),
    key="name",
    fold=True,
)
WORD = Entry(
    (Field("text", "text", Text(1, 100), required=True), *_directions(BLOCK_OR_NONE, "BLOCK")),
    key="text",
    fold=True,
    unique=False,
    shorthand="text",
)
MANAGED_WORD_LIST = Entry(
    (Field("type", "type", Choice(MANAGED_WORD_LIST_TYPES), required=True), *_directions(BLOCK_OR_NONE, "BLOCK")),
    key="type",
    shorthand="type",
)
PII_ENTITY = Entry(
    (
        Field("type", "type", Choice(PII_ENTITY_TYPES), required=True),
        Field("action", "action", Choice(PII_ACTIONS), required=True),
        *_directions(PII_ACTIONS, _pii_action),
    ),
    key="type",
)
REGEX = Entry(
    (
        Field("name", "name", Text(1, 100), required=True),
        Field("pattern", "pattern", Regex(Text(1, 500)), required=True),
        Field("description", "description", Text(1, 1000)),
        Field("action", "action", Choice(PII_ACTIONS), required=True),
        *_directions(PII_ACTIONS, _pii_action),
    ),
    key="name",
)
GROUNDING_FILTER = Entry(
    (
        Field("type", "type", Choice(GROUNDING_FILTER_TYPES), required=True),
        Field("threshold", "threshold", Number(0, MAX_GROUNDING_THRESHOLD), required=True),
        Field("action", "action", Choice(BLOCK_OR_NONE), default="BLOCK", boto3=DIRECTIONS_BOTO3),
        Field("enabled", "enabled", Flag(), default=True, boto3=DIRECTIONS_BOTO3),
    ),
    key="type",
)
_REASONING_ARN = Text(1, 2048, REASONING_POLICY_ARN_PATTERN, "the ARN of an automated reasoning policy")

POLICIES: Tuple[Policy, ...] = (
    Policy(
        "content_policy",
        "contentPolicyConfig",
        "contentPolicy",
        lists=(ListMember("filters", "filtersConfig", "filters", CONTENT_FILTER, 6),),
        tier_boto3=TIERS_BOTO3,
    ),
    Policy(
        "topic_policy",
        "topicPolicyConfig",
        "topicPolicy",
        lists=(ListMember("topics", "topicsConfig", "topics", TOPIC, 30),),
        tier_boto3=TIERS_BOTO3,
    ),
    Policy(
        "word_policy",
        "wordPolicyConfig",
        "wordPolicy",
        lists=(
            ListMember("words", "wordsConfig", "words", WORD, 10000),
            ListMember("managed_word_lists", "managedWordListsConfig", "managedWordLists", MANAGED_WORD_LIST),
        ),
    ),
    Policy(
        "sensitive_information_policy",
        "sensitiveInformationPolicyConfig",
        "sensitiveInformationPolicy",
        lists=(
            ListMember("pii_entities", "piiEntitiesConfig", "piiEntities", PII_ENTITY),
            ListMember("regexes", "regexesConfig", "regexes", REGEX, 30),
        ),
    ),
    Policy(
        "contextual_grounding_policy",
        "contextualGroundingPolicyConfig",
        "contextualGroundingPolicy",
        lists=(ListMember("filters", "filtersConfig", "filters", GROUNDING_FILTER),),
        tier_boto3=GROUNDING_TIER_BOTO3,
        boto3=GROUNDING_BOTO3,
    ),
    Policy(
        "automated_reasoning_policy",
        "automatedReasoningPolicyConfig",
        "automatedReasoningPolicy",
        fields=(
            Field("policies", "policies", Many(_REASONING_ARN, 1, 2, as_set=True), required=True),
            Field("confidence_threshold", "confidenceThreshold", Number(0, 1)),
        ),
        boto3=REASONING_BOTO3,
    ),
)
POLICY_OPTIONS = tuple(policy.option for policy in POLICIES)


# The guardrail's own members.
NAME_PATTERN = re.compile(r"[0-9a-zA-Z-_]+")
MAX_NAME_LENGTH = 50
MAX_DESCRIPTION_LENGTH = 200
MAX_MESSAGING_LENGTH = 500
KMS_KEY_ID_PATTERN = re.compile(
    r"(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))"
    r"|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)"
)
MAX_KMS_KEY_ID_LENGTH = 2048
PROFILE_IDENTIFIER_PATTERN = re.compile(
    r"[a-z0-9-]+[.]{1}guardrail[.]{1}v[0-9:]+"
    r"|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail-profile/[a-z0-9-]+[.]{1}guardrail[.]{1}v[0-9:]+"
)
MIN_PROFILE_IDENTIFIER_LENGTH = 15
MAX_PROFILE_IDENTIFIER_LENGTH = 2048
CROSS_REGION_BOTO3 = "1.38.15"
STATUSES = ("CREATING", "UPDATING", "VERSIONING", "READY", "FAILED", "DELETING")
TRANSITIONS = ("CREATING", "UPDATING", "VERSIONING", "DELETING")

# The guardrail's own members: (option, request member, answer member, what it takes).
NAME = Text(1, MAX_NAME_LENGTH, NAME_PATTERN, "letters, digits, - and _")
MESSAGING = Text(1, MAX_MESSAGING_LENGTH)
DESCRIPTION = Text(1, MAX_DESCRIPTION_LENGTH)
KMS_KEY = Text(1, MAX_KMS_KEY_ID_LENGTH, KMS_KEY_ID_PATTERN, "a KMS key ID, key ARN, alias (alias/NAME) or alias ARN")
PROFILE = Text(
    MIN_PROFILE_IDENTIFIER_LENGTH,
    MAX_PROFILE_IDENTIFIER_LENGTH,
    PROFILE_IDENTIFIER_PATTERN,
    "a guardrail profile ID such as us.guardrail.v1:0, or its ARN",
)
MESSAGES = (
    ("blocked_input_messaging", "blockedInputMessaging"),
    ("blocked_outputs_messaging", "blockedOutputsMessaging"),
)


def _field_option(field: Field, in_list: bool) -> Dict[str, Any]:
    spec = dict(field.kind.spec)
    if field.required and field.default is None and in_list:
        spec["required"] = True
    return spec


def _list_option(member: ListMember) -> Dict[str, Any]:
    if member.entry.shorthand:
        # A string, or a mapping (checked by guardrail_config.py): an argument spec cannot say "either".
        return {"type": "list", "elements": "raw"}
    options = {field.option: _field_option(field, True) for field in member.entry.fields}
    return {"type": "list", "elements": "dict", "options": options}


def policy_options() -> Dict[str, Dict[str, Any]]:
    """The argument spec of the policy options (content_policy, ...), made from POLICIES.

    Enumerated values are checked by guardrail_config.py, not by choices, since a task may write them in any case.
    """
    options: Dict[str, Dict[str, Any]] = {}
    for policy in POLICIES:
        suboptions = {member.option: _list_option(member) for member in policy.lists}
        suboptions.update({field.option: _field_option(field, False) for field in policy.fields})
        if policy.tier_boto3:
            suboptions["tier"] = {"type": "str"}
        options[policy.option] = {"type": "dict", "options": suboptions}
    return options


def argument_spec() -> Dict[str, Dict[str, Any]]:
    """amazon.ai.bedrock_guardrail's argument spec."""
    return dict(
        **tags_options(),
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        blocked_input_messaging=dict(type="str"),
        blocked_outputs_messaging=dict(type="str"),
        kms_key_id=dict(type="str", no_log=False),
        cross_region_config=dict(type="dict", options=dict(guardrail_profile_identifier=dict(type="str"))),
        **policy_options(),
        publish_version=dict(type="bool", default=False),
        version_description=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )


def info_argument_spec() -> Dict[str, Dict[str, Any]]:
    """amazon.ai.bedrock_guardrail_info's argument spec."""
    return dict(
        name=dict(type="str"),
        guardrail_identifier=dict(type="str"),
        version=dict(type="str"),
    )


def task_subject(params: Mapping) -> Optional[str]:
    """What an invalid task's message names: the guardrail, when the task names one."""
    name = params.get("name") or params.get("guardrail_identifier")
    return f"guardrail {name!r}" if isinstance(name, str) and name else None
