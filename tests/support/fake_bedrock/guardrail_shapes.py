# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A guardrail's configuration as GetGuardrail shows it: other member names than CreateGuardrail takes, the defaults
the service fills in, and lists in an order of the service's own.

- ``contentPolicyConfig.filtersConfig`` comes back as ``contentPolicy.filters``, ``topicsConfig`` as ``topics``,
  ``wordsConfig``/``managedWordListsConfig`` as ``words``/``managedWordLists``, ``piiEntitiesConfig``/
  ``regexesConfig`` as ``piiEntities``/``regexes``, ``tierConfig`` as ``tier``, ``crossRegionConfig`` as
  ``crossRegionDetails`` (``guardrailProfileId`` and ``guardrailProfileArn``), ``kmsKeyId`` as ``kmsKeyArn``.
- Filled in: ``inputAction``/``outputAction`` (BLOCK; for PII entities and regexes their ``action``),
  ``inputEnabled``/``outputEnabled`` (true), content filter ``inputModalities``/``outputModalities`` (["TEXT"]),
  topic ``examples`` ([]), grounding filter ``action`` (BLOCK) and ``enabled`` (true), and the tier of the content,
  topic and contextual grounding policies (CLASSIC).
- Order: content and grounding filters, managed word lists and PII entities by type, topics, words and regexes by
  name or text (case-insensitively): never the request's order unless that was already sorted.
- A KMS key id becomes ``arn:aws:kms:REGION:ACCOUNT:key/ID``; an alias (``alias/NAME`` or its ARN) stands for the
  key whose id is ``uuid.uuid5(uuid.NAMESPACE_URL, "alias/NAME")`` (kms_key_arn() computes it for a test).
"""

from __future__ import annotations

import uuid
from typing import Any
from typing import Callable

_TIERED = {"contentPolicyConfig", "topicPolicyConfig", "contextualGroundingPolicyConfig"}


def kms_key_arn(key: str, region: str, account: str) -> str:
    """The ``kmsKeyArn`` GetGuardrail shows for a ``kmsKeyId`` given as a key id, a key ARN, an alias or its ARN."""
    if key.startswith("arn:"):
        parts = key.split(":", 5)
        region, account, resource = parts[3] or region, parts[4], parts[5]
        if resource.startswith("key/"):
            return key
        key = resource
    if key.startswith("alias/"):
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
    return f"arn:aws:kms:{region}:{account}:key/{key}"


def profile_details(identifier: str, region: str, account: str) -> dict[str, str]:
    """The ``crossRegionDetails`` of a guardrail profile given by id or ARN."""
    if identifier.startswith("arn:"):
        return {"guardrailProfileId": identifier.rsplit("/", 1)[1], "guardrailProfileArn": identifier}
    arn = f"arn:aws:bedrock:{region}:{account}:guardrail-profile/{identifier}"
    return {"guardrailProfileId": identifier, "guardrailProfileArn": arn}


def _directions(entry: dict[str, Any], default: str) -> dict[str, Any]:
    shown = dict(entry)
    shown.setdefault("inputAction", default)
    shown.setdefault("outputAction", default)
    shown.setdefault("inputEnabled", True)
    shown.setdefault("outputEnabled", True)
    return shown


def _content_filter(entry: dict[str, Any]) -> dict[str, Any]:
    shown = _directions(entry, "BLOCK")
    shown.setdefault("inputModalities", ["TEXT"])
    shown.setdefault("outputModalities", ["TEXT"])
    return shown


def _topic(entry: dict[str, Any]) -> dict[str, Any]:
    shown = _directions(entry, "BLOCK")
    shown.setdefault("examples", [])
    return shown


def _grounding_filter(entry: dict[str, Any]) -> dict[str, Any]:
    return {"action": "BLOCK", "enabled": True, **entry}


def _by(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda entry: entry[key].casefold()


# Each policy list: (request policy, request member) -> (answer policy, answer member, defaults, sort key).
_LISTS: dict[tuple[str, str], tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]], Callable[..., str]]] = {
    ("contentPolicyConfig", "filtersConfig"): ("contentPolicy", "filters", _content_filter, _by("type")),
    ("topicPolicyConfig", "topicsConfig"): ("topicPolicy", "topics", _topic, _by("name")),
    ("wordPolicyConfig", "wordsConfig"): ("wordPolicy", "words", lambda e: _directions(e, "BLOCK"), _by("text")),
    ("wordPolicyConfig", "managedWordListsConfig"): (
        "wordPolicy",
        "managedWordLists",
        lambda e: _directions(e, "BLOCK"),
        _by("type"),
    ),
    ("sensitiveInformationPolicyConfig", "piiEntitiesConfig"): (
        "sensitiveInformationPolicy",
        "piiEntities",
        lambda e: _directions(e, e["action"]),
        _by("type"),
    ),
    ("sensitiveInformationPolicyConfig", "regexesConfig"): (
        "sensitiveInformationPolicy",
        "regexes",
        lambda e: _directions(e, e["action"]),
        _by("name"),
    ),
    ("contextualGroundingPolicyConfig", "filtersConfig"): (
        "contextualGroundingPolicy",
        "filters",
        _grounding_filter,
        _by("type"),
    ),
}
_POLICY_NAMES = {
    "contentPolicyConfig": "contentPolicy",
    "topicPolicyConfig": "topicPolicy",
    "wordPolicyConfig": "wordPolicy",
    "sensitiveInformationPolicyConfig": "sensitiveInformationPolicy",
    "contextualGroundingPolicyConfig": "contextualGroundingPolicy",
}


def described_policies(config: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """The policy members of GetGuardrail (and kmsKeyArn, crossRegionDetails) for a checked request's policies."""
    shown: dict[str, Any] = {}
    for (policy, member), (name, answer_member, fill, key) in _LISTS.items():
        if policy in config:
            entries = config[policy].get(member)
            target = shown.setdefault(name, {})
            if entries:
                target[answer_member] = sorted((fill(entry) for entry in entries), key=key)
    for policy in _TIERED & set(config):
        tier = config[policy].get("tierConfig", {}).get("tierName", "CLASSIC")
        shown[_POLICY_NAMES[policy]]["tier"] = {"tierName": tier}
    if "automatedReasoningPolicyConfig" in config:
        shown["automatedReasoningPolicy"] = dict(config["automatedReasoningPolicyConfig"])
    if "crossRegionConfig" in config:
        identifier = config["crossRegionConfig"]["guardrailProfileIdentifier"]
        shown["crossRegionDetails"] = profile_details(identifier, region, account)
    if "kmsKeyId" in config:
        shown["kmsKeyArn"] = kms_key_arn(config["kmsKeyId"], region, account)
    return shown


def entry_settings(entry: dict[str, Any], source: str, default: str = "BLOCK") -> tuple[bool, str]:
    """Whether a policy entry is evaluated for content of ``source`` (INPUT or OUTPUT), and its action there."""
    direction = "input" if source == "INPUT" else "output"
    return entry.get(f"{direction}Enabled", True), entry.get(f"{direction}Action", entry.get("action", default))
