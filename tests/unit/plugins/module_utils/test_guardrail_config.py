# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import copy
import datetime
import random
import uuid

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import guardrail_config as config
from ansible_collections.amazon.ai.plugins.module_utils import guardrail_options as options
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
REGION, ACCOUNT = "eu-west-1", "123456789012"
GUARDRAIL_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/abcdefghijkl"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
PROFILE = "us.guardrail.v1:0"
PROFILE_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail-profile/{PROFILE}"
REASONING_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:automated-reasoning-policy/abcdefghijkl"


def task(**overrides):
    params = dict(
        name="support-bot",
        description=None,
        blocked_input_messaging=None,
        blocked_outputs_messaging=None,
        kms_key_id=None,
        cross_region_config=None,
        **{option: None for option in options.POLICY_OPTIONS},
    )
    params.update(overrides)
    return params


def filter_(kind="VIOLENCE", strength="HIGH", **more):
    return {"type": kind, "input_strength": strength, "output_strength": strength, **more}


EVERY_POLICY = dict(
    description="Keeps the support bot on topic",
    blocked_input_messaging="Sorry, I cannot answer that.",
    blocked_outputs_messaging="Sorry, I cannot say that.",
    kms_key_id=KEY_ID,
    cross_region_config={"guardrail_profile_identifier": PROFILE},
    content_policy={
        "filters": [
            filter_("violence", "high", input_modalities=["image", "TEXT"], output_action="none"),
            filter_("PROMPT_ATTACK", "HIGH", output_strength="NONE"),
            filter_("Hate", "medium"),
        ],
        "tier": "standard",
    },
    topic_policy={
        "topics": [
            {"name": "Investment advice", "definition": "Advice on investing money.", "examples": ["Buy stocks?"]},
            {"name": "competitors", "definition": "Other companies' products.", "input_enabled": False},
        ]
    },
    word_policy={"words": ["darn", {"text": "Heck", "output_action": "NONE"}], "managed_word_lists": ["profanity"]},
    sensitive_information_policy={
        "pii_entities": [
            {"type": "email", "action": "anonymize"},
            {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"},
        ],
        "regexes": [
            {"name": "ticket", "pattern": "TICKET-[0-9]{6}", "action": "ANONYMIZE", "description": "Ticket numbers"},
            {"name": "account", "pattern": r"ACCT\d+", "action": "block", "input_action": "NONE"},
        ],
    },
    contextual_grounding_policy={
        "filters": [{"type": "grounding", "threshold": 0.75}, {"type": "RELEVANCE", "threshold": 0}]
    },
    automated_reasoning_policy={"policies": [REASONING_ARN], "confidence_threshold": 0.9},
)

# What the service shows for each request member, and what it fills in (written here from the user guide and the
# API reference, not from the module's table, so that the two can disagree).
ANSWER_NAMES = {
    "contentPolicyConfig": ("contentPolicy", {"filtersConfig": "filters"}),
    "topicPolicyConfig": ("topicPolicy", {"topicsConfig": "topics"}),
    "wordPolicyConfig": ("wordPolicy", {"wordsConfig": "words", "managedWordListsConfig": "managedWordLists"}),
    "sensitiveInformationPolicyConfig": (
        "sensitiveInformationPolicy",
        {"piiEntitiesConfig": "piiEntities", "regexesConfig": "regexes"},
    ),
    "contextualGroundingPolicyConfig": ("contextualGroundingPolicy", {"filtersConfig": "filters"}),
}


def _filled(entry, member):
    shown = dict(entry)
    if member == "filters" and "threshold" in entry:
        shown.setdefault("action", "BLOCK")
        shown.setdefault("enabled", True)
        return shown
    action = entry.get("action", "BLOCK")
    for direction in ("input", "output"):
        shown.setdefault(f"{direction}Action", action)
        shown.setdefault(f"{direction}Enabled", True)
    if member == "filters":
        shown.setdefault("inputModalities", ["TEXT"])
        shown.setdefault("outputModalities", ["TEXT"])
    if member == "topics":
        shown.setdefault("examples", [])
    return shown


def echo(request, rng=None, region=REGION, account=ACCOUNT):
    """GetGuardrail's answer for what a CreateGuardrail request made, as the service shows it."""
    rng = rng or random.Random(0)
    answer = {
        "name": request["name"],
        "guardrailId": "abcdefghijkl",
        "guardrailArn": GUARDRAIL_ARN,
        "version": "DRAFT",
        "status": "READY",
        "blockedInputMessaging": request["blockedInputMessaging"],
        "blockedOutputsMessaging": request["blockedOutputsMessaging"],
        "createdAt": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "updatedAt": datetime.datetime(2026, 1, 2, 3, 4, 6, tzinfo=datetime.timezone.utc),
    }
    if "description" in request:
        answer["description"] = request["description"]
    for policy, (shown_name, lists) in ANSWER_NAMES.items():
        if policy not in request:
            continue
        shown = answer[shown_name] = {}
        for member, shown_member in lists.items():
            if member in request[policy]:
                entries = [_filled(entry, shown_member) for entry in request[policy][member]]
                rng.shuffle(entries)
                shown[shown_member] = entries
        if policy != "wordPolicyConfig" and policy != "sensitiveInformationPolicyConfig":
            shown["tier"] = {"tierName": request[policy].get("tierConfig", {}).get("tierName", "CLASSIC")}
    if "automatedReasoningPolicyConfig" in request:
        answer["automatedReasoningPolicy"] = copy.deepcopy(request["automatedReasoningPolicyConfig"])
    if "crossRegionConfig" in request:
        identifier = request["crossRegionConfig"]["guardrailProfileIdentifier"]
        profile = identifier.rsplit("/", 1)[-1]
        answer["crossRegionDetails"] = {
            "guardrailProfileId": profile,
            "guardrailProfileArn": f"arn:aws:bedrock:{region}:{account}:guardrail-profile/{profile}",
        }
    if "kmsKeyId" in request:
        key = request["kmsKeyId"]
        key = key if key.startswith("arn:") else f"arn:aws:kms:{region}:{account}:key/{key}"
        answer["kmsKeyArn"] = key
    return answer


def test_every_policy_makes_the_round_trip_through_the_service():
    wanted = config.wanted_config(task(**EVERY_POLICY))
    request = config.build_guardrail_request(config.merge_config({}, wanted))
    described = config.described_config(echo(request))
    # The KMS key shows as its ARN: the same key (same_kms_key), but not the same string.
    assert described.pop("kms_key_id") == KEY_ARN
    assert described == {key: value for key, value in wanted.items() if key != "kms_key_id"}
    assert config.same_kms_key(wanted["kms_key_id"], KEY_ARN) is True


def test_the_normal_form_has_the_options_shape_with_the_defaults_filled_in():
    wanted = config.wanted_config(task(**EVERY_POLICY))
    filters = wanted["content_policy"]["filters"]
    assert [f["type"] for f in filters] == ["HATE", "PROMPT_ATTACK", "VIOLENCE"]
    assert filters[2] == {
        "type": "VIOLENCE",
        "input_strength": "HIGH",
        "output_strength": "HIGH",
        "input_modalities": ["IMAGE", "TEXT"],
        "output_modalities": ["TEXT"],
        "input_action": "BLOCK",
        "output_action": "NONE",
        "input_enabled": True,
        "output_enabled": True,
    }
    assert wanted["content_policy"]["tier"] == "STANDARD"
    assert wanted["topic_policy"]["tier"] == "CLASSIC"
    assert [t["name"] for t in wanted["topic_policy"]["topics"]] == ["competitors", "Investment advice"]
    assert (
        wanted["topic_policy"]["topics"][0]["type"] == "DENY" and wanted["topic_policy"]["topics"][0]["examples"] == []
    )
    assert [w["text"] for w in wanted["word_policy"]["words"]] == ["darn", "Heck"]
    assert wanted["word_policy"]["managed_word_lists"][0]["type"] == "PROFANITY"
    email = wanted["sensitive_information_policy"]["pii_entities"][0]
    assert (email["type"], email["input_action"], email["output_action"]) == ("EMAIL", "ANONYMIZE", "ANONYMIZE")
    regexes = wanted["sensitive_information_policy"]["regexes"]
    assert [r["name"] for r in regexes] == ["account", "ticket"]
    assert (regexes[0]["input_action"], regexes[0]["output_action"]) == ("NONE", "BLOCK")
    assert "description" not in regexes[0] and regexes[1]["description"] == "Ticket numbers"
    grounding = wanted["contextual_grounding_policy"]["filters"]
    assert grounding[1] == {"type": "RELEVANCE", "threshold": 0.0, "action": "BLOCK", "enabled": True}
    assert wanted["automated_reasoning_policy"] == {"policies": [REASONING_ARN], "confidence_threshold": 0.9}
    assert wanted["cross_region_config"] == {"guardrail_profile_identifier": PROFILE}


def test_the_request_leaves_out_what_the_service_fills_in():
    request = config.build_guardrail_request(config.merge_config({}, config.wanted_config(task(**EVERY_POLICY))))
    filters = {f["type"]: f for f in request["contentPolicyConfig"]["filtersConfig"]}
    assert filters["HATE"] == {"type": "HATE", "inputStrength": "MEDIUM", "outputStrength": "MEDIUM"}
    assert filters["VIOLENCE"] == {
        "type": "VIOLENCE",
        "inputStrength": "HIGH",
        "outputStrength": "HIGH",
        "inputModalities": ["IMAGE", "TEXT"],
        "outputAction": "NONE",
    }
    assert request["contentPolicyConfig"]["tierConfig"] == {"tierName": "STANDARD"}
    assert "tierConfig" not in request["topicPolicyConfig"]
    topics = request["topicPolicyConfig"]["topicsConfig"]
    # A topic's type is required by the API, so it is sent although DENY is the only one.
    assert topics[0] == {
        "name": "competitors",
        "definition": "Other companies' products.",
        "type": "DENY",
        "inputEnabled": False,
    }
    assert request["sensitiveInformationPolicyConfig"]["piiEntitiesConfig"][0] == {
        "type": "EMAIL",
        "action": "ANONYMIZE",
    }
    assert request["crossRegionConfig"] == {"guardrailProfileIdentifier": PROFILE}
    assert request["kmsKeyId"] == KEY_ID
    assert request["automatedReasoningPolicyConfig"] == {"policies": [REASONING_ARN], "confidenceThreshold": 0.9}


def test_a_task_using_no_newer_field_needs_no_newer_boto3():
    wanted = task(
        blocked_input_messaging="no",
        blocked_outputs_messaging="no",
        content_policy={"filters": [filter_(input_modalities=["TEXT"], input_action="BLOCK", input_enabled=True)]},
        word_policy={"words": [{"text": "x", "output_action": "block"}]},
        topic_policy={"topics": [{"name": "t", "definition": "d", "type": "deny"}], "tier": "classic"},
    )
    request = config.build_guardrail_request(config.wanted_config(wanted))
    assert config.guardrail_boto3_needs(request) == []


@pytest.mark.parametrize(
    "overrides, needs",
    [
        (
            {"contextual_grounding_policy": {"filters": [{"type": "GROUNDING", "threshold": 0.5}]}},
            [("1.34.143", "to use contextual_grounding_policy")],
        ),
        (
            {"content_policy": {"filters": [filter_(output_modalities=["IMAGE"])]}},
            [("1.35.75", "to use content_policy.filters.output_modalities")],
        ),
        (
            {"content_policy": {"filters": [filter_(input_action="NONE")]}},
            [("1.37.29", "to use content_policy.filters.input_action")],
        ),
        (
            {"word_policy": {"managed_word_lists": [{"type": "PROFANITY", "output_enabled": False}]}},
            [("1.37.29", "to use word_policy.managed_word_lists.output_enabled")],
        ),
        (
            {
                "sensitive_information_policy": {
                    "regexes": [{"name": "n", "pattern": "p", "action": "BLOCK", "input_action": "NONE"}]
                }
            },
            [("1.37.29", "to use sensitive_information_policy.regexes.input_action")],
        ),
        (
            {"cross_region_config": {"guardrail_profile_identifier": PROFILE}},
            [("1.38.15", "to use cross_region_config")],
        ),
        (
            {
                "cross_region_config": {"guardrail_profile_identifier": PROFILE},
                "topic_policy": {"topics": [{"name": "t", "definition": "d"}], "tier": "STANDARD"},
            },
            [("1.38.15", "to use cross_region_config"), ("1.38.41", "to use topic_policy.tier")],
        ),
        (
            {"automated_reasoning_policy": {"policies": [REASONING_ARN]}},
            [("1.40.3", "to use automated_reasoning_policy")],
        ),
        (
            {
                "cross_region_config": {"guardrail_profile_identifier": PROFILE},
                "contextual_grounding_policy": {
                    "filters": [{"type": "GROUNDING", "threshold": 0.5, "enabled": False}],
                    "tier": "standard",
                },
            },
            [
                ("1.38.15", "to use cross_region_config"),
                ("1.34.143", "to use contextual_grounding_policy"),
                ("1.43.116", "to use contextual_grounding_policy.tier"),
                ("1.37.29", "to use contextual_grounding_policy.filters.enabled"),
            ],
        ),
    ],
)
def test_each_newer_member_names_the_boto3_it_needs(overrides, needs):
    params = task(blocked_input_messaging="no", blocked_outputs_messaging="no", **overrides)
    request = config.build_guardrail_request(config.wanted_config(params))
    assert config.guardrail_boto3_needs(request) == needs


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": "support bot"}, "name 'support bot' is not valid: letters, digits, - and _"),
        ({"name": "x" * 51}, "name must be 1 to 50 characters long, not 51"),
        ({"description": "d" * 201}, "description must be 1 to 200 characters long, not 201"),
        ({"blocked_input_messaging": ""}, "blocked_input_messaging must be 1 to 500 characters long, not 0"),
        (
            {"blocked_outputs_messaging": "m" * 501},
            "blocked_outputs_messaging must be 1 to 500 characters long, not 501",
        ),
        ({"kms_key_id": "my-key"}, "kms_key_id 'my-key' is not valid: a KMS key ID, key ARN, alias"),
        (
            {"cross_region_config": {"guardrail_profile_identifier": "us-east-1"}},
            "cross_region_config.guardrail_profile_identifier must be 15 to 2048",
        ),
        (
            {"content_policy": {"filters": [filter_("GORE")]}},
            "content_policy.filters[0].type must be one of SEXUAL, VIOLENCE, HATE, INSULTS, MISCONDUCT, PROMPT_ATTACK (in any case), not 'GORE'",
        ),
        (
            {"content_policy": {"filters": [filter_(), filter_("hate"), filter_("violence")]}},
            "content_policy.filters[2].type 'VIOLENCE' is given twice (also at [0])",
        ),
        (
            {"content_policy": {"filters": [filter_(strength="EXTREME")]}},
            "content_policy.filters[0].input_strength must be one of NONE, LOW, MEDIUM, HIGH",
        ),
        (
            {"content_policy": {"filters": [filter_(input_action="ANONYMIZE")]}},
            "content_policy.filters[0].input_action must be one of BLOCK, NONE",
        ),
        (
            {"content_policy": {"filters": [filter_(input_modalities=[])]}},
            "content_policy.filters[0].input_modalities must hold 1 to 2 items, not 0",
        ),
        (
            {"content_policy": {"filters": [filter_(output_modalities=["AUDIO"])]}},
            "content_policy.filters[0].output_modalities[0] must be one of TEXT, IMAGE",
        ),
        (
            {"content_policy": {"filters": [filter_()], "tier": "premium"}},
            "content_policy.tier must be one of CLASSIC, STANDARD",
        ),
        (
            {"content_policy": {"filters": [], "tier": "STANDARD"}},
            "content_policy sets tier but no filters; give at least one, or {} to remove the policy",
        ),
        (
            {
                "content_policy": {
                    "filters": [filter_(kind) for kind in options.CONTENT_FILTER_TYPES] + [filter_("hate")]
                }
            },
            "content_policy.filters[6].type 'HATE' is given twice",
        ),
        (
            {"content_policy": {"filters": [{"type": "HATE", "input_strength": "HIGH"}]}},
            "content_policy.filters[0].output_strength is required",
        ),
        (
            {"content_policy": {"filters": [filter_(colour="red")]}},
            "content_policy.filters[0] has unknown keys colour; it takes type, input_strength",
        ),
        ({"content_policy": ["VIOLENCE"]}, "content_policy must be a mapping, not list"),
        (
            {"topic_policy": {"topics": [{"name": "a/b", "definition": "d"}]}},
            "topic_policy.topics[0].name 'a/b' is not valid: letters, digits, spaces and - _ ! ? .",
        ),
        (
            {"topic_policy": {"topics": [{"name": "Bets", "definition": "d"}, {"name": "bets", "definition": "e"}]}},
            "topic_policy.topics[1].name 'bets' is given twice (also at [0])",
        ),
        (
            {"topic_policy": {"topics": [{"name": "t", "definition": "d" * 201}]}},
            "topic_policy.topics[0].definition must be 1 to 200 characters long, not 201",
        ),
        (
            {"topic_policy": {"topics": [{"name": "t", "definition": "d", "examples": ["e"] * 6}]}},
            "topic_policy.topics[0].examples must hold 0 to 5 items, not 6",
        ),
        (
            {"topic_policy": {"topics": [{"name": "t", "definition": "d", "examples": [""]}]}},
            "topic_policy.topics[0].examples[0] must be 1 to 100 characters long, not 0",
        ),
        (
            {"topic_policy": {"topics": [{"name": "t", "definition": "d", "type": "ALLOW"}]}},
            "topic_policy.topics[0].type must be one of DENY (in any case), not 'ALLOW'",
        ),
        (
            {"topic_policy": {"topics": [{"name": f"t{i}", "definition": "d"} for i in range(31)]}},
            "topic_policy.topics holds 31 entries; Bedrock takes at most 30",
        ),
        ({"word_policy": {"words": [""]}}, "word_policy.words[0].text must be 1 to 100 characters long, not 0"),
        ({"word_policy": {"words": [7]}}, "word_policy.words[0] must be a string or a mapping, not int"),
        (
            {"word_policy": {"words": [{"word": "x"}]}},
            "word_policy.words[0] has unknown keys word; it takes text, input_action",
        ),
        (
            {"word_policy": {"words": [{"text": "x", "input_enabled": "yes"}]}},
            "word_policy.words[0].input_enabled must be true or false, not 'yes'",
        ),
        (
            {"word_policy": {"managed_word_lists": ["SLURS"]}},
            "word_policy.managed_word_lists[0].type must be one of PROFANITY",
        ),
        (
            {"word_policy": {"managed_word_lists": ["PROFANITY", "profanity"]}},
            "word_policy.managed_word_lists[1].type 'PROFANITY' is given twice",
        ),
        (
            {"sensitive_information_policy": {"pii_entities": [{"type": "SHOE_SIZE", "action": "BLOCK"}]}},
            "sensitive_information_policy.pii_entities[0].type must be one of ADDRESS, AGE",
        ),
        (
            {"sensitive_information_policy": {"pii_entities": [{"type": "EMAIL", "action": "MASK"}]}},
            "sensitive_information_policy.pii_entities[0].action must be one of BLOCK, ANONYMIZE, NONE",
        ),
        (
            {"sensitive_information_policy": {"pii_entities": [{"type": "EMAIL"}]}},
            "sensitive_information_policy.pii_entities[0].action is required",
        ),
        (
            {"sensitive_information_policy": {"regexes": [{"name": "r", "pattern": "([a-z]", "action": "BLOCK"}]}},
            "sensitive_information_policy.regexes[0].pattern '([a-z]' is not a regular expression: missing ), unterminated subpattern",
        ),
        (
            {"sensitive_information_policy": {"regexes": [{"name": "r", "pattern": "x" * 501, "action": "BLOCK"}]}},
            "sensitive_information_policy.regexes[0].pattern must be 1 to 500 characters long, not 501",
        ),
        (
            {"sensitive_information_policy": {"regexes": [{"name": "r", "pattern": "a", "action": "BLOCK"}] * 2}},
            "sensitive_information_policy.regexes[1].name 'r' is given twice",
        ),
        (
            {"contextual_grounding_policy": {"filters": [{"type": "GROUNDING", "threshold": 1.0}]}},
            "contextual_grounding_policy.filters[0].threshold must be from 0 to 0.99, not 1.0",
        ),
        (
            {"contextual_grounding_policy": {"filters": [{"type": "GROUNDING", "threshold": -0.1}]}},
            "contextual_grounding_policy.filters[0].threshold must be from 0 to 0.99, not -0.1",
        ),
        (
            {"contextual_grounding_policy": {"filters": [{"type": "GROUNDING", "threshold": float("nan")}]}},
            "contextual_grounding_policy.filters[0].threshold must be a number from 0 to 0.99, not nan",
        ),
        (
            {"contextual_grounding_policy": {"filters": [{"type": "GROUNDING", "threshold": True}]}},
            "contextual_grounding_policy.filters[0].threshold must be a number from 0 to 0.99, not True",
        ),
        (
            {"contextual_grounding_policy": {"filters": [{"type": "COHERENCE", "threshold": 0.5}]}},
            "contextual_grounding_policy.filters[0].type must be one of GROUNDING, RELEVANCE",
        ),
        (
            {"automated_reasoning_policy": {"policies": ["arn:aws:bedrock:us-east-1:123456789012:guardrail/abc"]}},
            "automated_reasoning_policy.policies[0] 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc' is not valid: "
            "the ARN of an automated reasoning policy",
        ),
        (
            {"automated_reasoning_policy": {"policies": [REASONING_ARN, REASONING_ARN + ":1", REASONING_ARN + ":2"]}},
            "automated_reasoning_policy.policies must hold 1 to 2 items, not 3",
        ),
        (
            {"automated_reasoning_policy": {"confidence_threshold": 0.5}},
            "automated_reasoning_policy sets confidence_threshold but no policies",
        ),
        (
            {"automated_reasoning_policy": {"policies": [REASONING_ARN], "confidence_threshold": 1.5}},
            "automated_reasoning_policy.confidence_threshold must be from 0 to 1, not 1.5",
        ),
    ],
)
def test_bad_options_are_refused_naming_the_option(overrides, message):
    with pytest.raises(BedrockParameterError) as raised:
        config.wanted_config(task(**overrides))
    assert message in str(raised.value)


@pytest.mark.parametrize("option", options.POLICY_OPTIONS)
def test_an_empty_policy_removes_it(option):
    current = config.merge_config({}, config.wanted_config(task(**EVERY_POLICY)))
    wanted = config.wanted_config(task(**{option: {}}))
    assert wanted[option] is None
    merged = config.merge_config(current, wanted)
    assert option not in merged
    assert config.config_differences(current, merged) == [option]
    assert config.build_guardrail_request(merged).keys() == config.build_guardrail_request(current).keys() - {
        next(p.request for p in options.POLICIES if p.option == option)
    }


@pytest.mark.parametrize(
    "policy",
    [
        {"words": [], "managed_word_lists": []},
        {"words": None, "managed_word_lists": None},
    ],
)
def test_a_policy_with_empty_lists_is_removed_too(policy):
    assert config.wanted_config(task(word_policy=policy))["word_policy"] is None


def test_an_option_left_unset_keeps_what_the_guardrail_has():
    current = config.merge_config({}, config.wanted_config(task(**EVERY_POLICY)))
    wanted = config.wanted_config(task(word_policy={"words": ["darn", "heck"]}))
    merged = config.merge_config(current, wanted)
    assert config.config_differences(current, merged) == ["word_policy"]
    assert merged["content_policy"] == current["content_policy"]
    assert merged["blocked_input_messaging"] == current["blocked_input_messaging"]
    # A policy given is given whole: the managed word list the task leaves out goes.
    assert merged["word_policy"]["managed_word_lists"] == []


@pytest.mark.parametrize("option", ["description", "kms_key_id"])
def test_an_empty_string_removes_the_description_or_kms_key(option):
    current = config.merge_config({}, config.wanted_config(task(**EVERY_POLICY)))
    merged = config.merge_config(current, config.wanted_config(task(**{option: ""})))
    assert option not in merged and option in current


def test_an_empty_cross_region_config_removes_it():
    assert config.wanted_config(task(cross_region_config={}))["cross_region_config"] is None
    assert (
        config.wanted_config(task(cross_region_config={"guardrail_profile_identifier": None}))["cross_region_config"]
        is None
    )


def test_a_profile_arn_is_compared_by_its_id():
    wanted = config.wanted_config(task(cross_region_config={"guardrail_profile_identifier": PROFILE_ARN}))
    assert wanted["cross_region_config"] == {"guardrail_profile_identifier": PROFILE}
    described = config.described_config({"name": "g", "crossRegionDetails": {"guardrailProfileArn": PROFILE_ARN}})
    assert described["cross_region_config"] == wanted["cross_region_config"]


@pytest.mark.parametrize(
    "given, resolved, same",
    [
        (KEY_ARN, None, True),
        (KEY_ID, None, True),
        ("9999abcd-12ab-34cd-56ef-1234567890ab", None, False),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/9999abcd-12ab-34cd-56ef-1234567890ab", None, False),
        ("alias/guardrails", None, None),
        ("alias/guardrails", KEY_ARN, True),
        ("alias/other", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/9999abcd-12ab-34cd-56ef-1234567890ab", False),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/guardrails", KEY_ARN, True),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/guardrails", None, None),
    ],
)
def test_a_kms_key_is_compared_with_the_arn_the_guardrail_shows(given, resolved, same):
    assert config.same_kms_key(given, KEY_ARN, resolved) is same


@pytest.mark.parametrize(
    "overrides, creating, message",
    [
        (
            {},
            True,
            "blocked_input_messaging and blocked_outputs_messaging are needed to create guardrail 'support-bot'",
        ),
        ({"blocked_input_messaging": "no"}, True, "blocked_outputs_messaging is needed to create guardrail"),
        (
            {
                "blocked_input_messaging": "no",
                "blocked_outputs_messaging": "no",
                "topic_policy": {"topics": [{"name": "t", "definition": "d"}], "tier": "standard"},
            },
            True,
            "topic_policy.tier STANDARD needs cross_region_config: Bedrock's STANDARD tier runs on cross-Region inference",
        ),
    ],
)
def test_what_the_guardrail_needs_as_a_whole(overrides, creating, message):
    with pytest.raises(BedrockParameterError, match=message.replace("(", r"\(")):
        config.check_config(config.merge_config({}, config.wanted_config(task(**overrides))), creating)


def test_a_guardrail_being_updated_needs_no_messages_from_the_task():
    current = config.merge_config({}, config.wanted_config(task(**EVERY_POLICY)))
    merged = config.merge_config(current, config.wanted_config(task(description="new")))
    config.check_config(merged, creating=False)
    assert config.build_guardrail_request(merged)["blockedInputMessaging"] == EVERY_POLICY["blocked_input_messaging"]


def test_a_version_is_compared_without_its_description():
    draft = config.merge_config({}, config.wanted_config(task(**EVERY_POLICY)))
    version = dict(draft, description="Release 3")
    assert config.config_differences(draft, version, ignore=config.NOT_VERSIONED) == []
    changed = config.merge_config(version, config.wanted_config(task(word_policy={})))
    assert config.config_differences(draft, changed, ignore=config.NOT_VERSIONED) == ["word_policy"]


def test_the_result_shows_the_guardrail_in_the_options_shape():
    request = config.build_guardrail_request(config.merge_config({}, config.wanted_config(task(**EVERY_POLICY))))
    answer = echo(request)
    answer["statusReasons"] = []
    result = config.build_guardrail_result(answer, {"team": "support"}, ["10", "2", "1"])
    assert result["guardrail_id"] == "abcdefghijkl" and result["guardrail_arn"] == GUARDRAIL_ARN
    assert (result["name"], result["version"], result["status"]) == ("support-bot", "DRAFT", "READY")
    assert result["kms_key_arn"] == KEY_ARN and "kms_key_id" not in result
    assert result["created_at"] == "2026-01-02T03:04:05+00:00"
    assert result["updated_at"] == "2026-01-02T03:04:06+00:00"
    assert result["tags"] == {"team": "support"}
    assert result["versions"] == ["1", "2", "10"]
    assert result["status_reasons"] == [] and result["failure_recommendations"] == []
    assert result["content_policy"] == config.described_config(answer)["content_policy"]


def test_described_config_takes_an_answer_with_unknown_values_as_they_are():
    # A value a newer service sends (a new strength, say) is kept, never refused: the answer is not a task.
    answer = {
        "name": "g",
        "contentPolicy": {"filters": [{"type": "HATE", "inputStrength": "EXTREME", "outputStrength": "low"}]},
        "wordPolicy": {"words": "not a list"},
        "topicPolicy": "not a mapping",
    }
    described = config.described_config(answer)
    assert described["content_policy"]["filters"][0]["input_strength"] == "EXTREME"
    assert described["content_policy"]["filters"][0]["output_strength"] == "LOW"
    assert "word_policy" not in described and "topic_policy" not in described


# Properties -------------------------------------------------------------------------------------------------------

CASES = st.sampled_from([str.upper, str.lower, str.title])


def _word(choices):
    return st.tuples(st.sampled_from(choices), CASES).map(lambda pair: pair[1](pair[0]))


def _directions(actions):
    return st.fixed_dictionaries(
        {},
        optional={
            "input_action": _word(actions),
            "output_action": _word(actions),
            "input_enabled": st.booleans(),
            "output_enabled": st.booleans(),
        },
    )


def _entries(kinds, make, high=None):
    return st.lists(st.sampled_from(kinds), unique=True, max_size=high or len(kinds)).flatmap(
        lambda chosen: st.tuples(*[make(kind) for kind in chosen]).map(list)
    )


def _merge(*parts):
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-_ !?.", min_size=1, max_size=20)
TEXTS = st.text(min_size=1, max_size=30)
CONTENT_FILTERS = _entries(
    options.CONTENT_FILTER_TYPES,
    lambda kind: _merge(
        st.fixed_dictionaries(
            {
                "type": _word([kind]),
                "input_strength": _word(options.FILTER_STRENGTHS),
                "output_strength": _word(options.FILTER_STRENGTHS),
            },
            optional={
                "input_modalities": st.lists(_word(options.MODALITIES), min_size=1, max_size=2),
                "output_modalities": st.lists(_word(options.MODALITIES), min_size=1, max_size=2),
            },
        ),
        _directions(options.BLOCK_OR_NONE),
    ),
)
TOPICS = st.lists(NAMES, unique_by=str.casefold, max_size=5).flatmap(
    lambda names: st.tuples(
        *[
            _merge(
                st.fixed_dictionaries(
                    {"name": st.just(name), "definition": TEXTS},
                    optional={"examples": st.lists(TEXTS, max_size=5), "type": _word(["DENY"])},
                ),
                _directions(options.BLOCK_OR_NONE),
            )
            for name in names
        ]
    ).map(list)
)
WORDS = st.lists(
    st.one_of(TEXTS, _merge(st.fixed_dictionaries({"text": TEXTS}), _directions(options.BLOCK_OR_NONE))), max_size=6
)
PII = _entries(
    options.PII_ENTITY_TYPES,
    lambda kind: _merge(
        st.fixed_dictionaries({"type": _word([kind]), "action": _word(options.PII_ACTIONS)}),
        _directions(options.PII_ACTIONS),
    ),
    high=4,
)
REGEXES = st.lists(st.sampled_from(["ticket", "Ticket", "acct", "order", "zip"]), unique=True, max_size=4).flatmap(
    lambda names: st.tuples(
        *[
            _merge(
                st.fixed_dictionaries(
                    {
                        "name": st.just(name),
                        "pattern": st.sampled_from([r"\d+", "[A-Z]{3}-[0-9]+", "(?i)secret"]),
                        "action": _word(options.PII_ACTIONS),
                    },
                    optional={"description": TEXTS},
                ),
                _directions(options.PII_ACTIONS),
            )
            for name in names
        ]
    ).map(list)
)
GROUNDING = _entries(
    options.GROUNDING_FILTER_TYPES,
    lambda kind: st.fixed_dictionaries(
        {"type": _word([kind]), "threshold": st.floats(0, 0.99)},
        optional={"action": _word(options.BLOCK_OR_NONE), "enabled": st.booleans()},
    ),
)
TIER = st.sampled_from(["classic", "STANDARD"])
POLICY_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "content_policy": st.fixed_dictionaries({"filters": CONTENT_FILTERS.filter(bool)}, optional={"tier": TIER}),
        "topic_policy": st.fixed_dictionaries({"topics": TOPICS.filter(bool)}, optional={"tier": TIER}),
        "word_policy": st.fixed_dictionaries(
            {}, optional={"words": WORDS, "managed_word_lists": st.lists(_word(["PROFANITY"]), max_size=1)}
        ),
        "sensitive_information_policy": st.fixed_dictionaries({}, optional={"pii_entities": PII, "regexes": REGEXES}),
        "contextual_grounding_policy": st.fixed_dictionaries(
            {"filters": GROUNDING.filter(bool)}, optional={"tier": TIER}
        ),
        "automated_reasoning_policy": st.fixed_dictionaries(
            {
                "policies": st.lists(
                    st.sampled_from([REASONING_ARN, REASONING_ARN + ":3"]), min_size=1, max_size=2, unique=True
                )
            },
            optional={"confidence_threshold": st.floats(0, 1)},
        ),
        "kms_key_id": st.sampled_from([KEY_ID, KEY_ARN]),
        "description": TEXTS,
    },
)
TASKS = POLICY_PARAMS.map(
    lambda params: task(
        blocked_input_messaging="Blocked.",
        blocked_outputs_messaging="Blocked too.",
        cross_region_config={"guardrail_profile_identifier": PROFILE},
        **params,
    )
)


def _shuffled(params, rng):
    params = copy.deepcopy(params)
    for option in options.POLICY_OPTIONS:
        for value in (params.get(option) or {}).values():
            if isinstance(value, list):
                rng.shuffle(value)
                for entry in value:
                    if isinstance(entry, dict) and isinstance(entry.get("input_modalities"), list):
                        entry["input_modalities"].reverse()
    return params


@PROPERTY_SETTINGS
@given(TASKS, st.integers(0, 2**32))
def test_normalising_the_services_echo_of_a_create_gives_back_the_tasks_normal_form(params, seed):
    wanted = config.merge_config({}, config.wanted_config(params))
    request = config.build_guardrail_request(wanted)
    described = config.described_config(echo(request, random.Random(seed)))
    if "kms_key_id" in wanted:
        assert config.same_kms_key(wanted["kms_key_id"], described["kms_key_id"])
        described["kms_key_id"] = wanted["kms_key_id"]
    assert described == wanted
    assert config.config_differences(described, wanted) == []


@PROPERTY_SETTINGS
@given(TASKS, st.integers(0, 2**32))
def test_order_never_matters(params, seed):
    assert config.wanted_config(_shuffled(params, random.Random(seed))) == config.wanted_config(params)


@PROPERTY_SETTINGS
@given(TASKS)
def test_the_normal_form_is_idempotent(params):
    # Normal form -> request -> what the service shows -> normal form again changes nothing: a second run sends
    # nothing, and the request is the same each time.
    first = config.merge_config({}, config.wanted_config(params))
    request = config.build_guardrail_request(first)
    again = config.described_config(echo(request))
    again["kms_key_id"] = first.get("kms_key_id")
    again = {key: value for key, value in again.items() if value is not None}
    assert again == first
    assert config.build_guardrail_request(again) == request
    assert config.merge_config(first, config.wanted_config(params)) == first


ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)


@PROPERTY_SETTINGS
@given(
    st.fixed_dictionaries(
        {"name": ANYTHING},
        optional={
            option: ANYTHING for option in [*options.POLICY_OPTIONS, "description", "kms_key_id", "cross_region_config"]
        },
    )
)
def test_any_input_is_refused_with_bedrocks_parameter_error_only(params):
    try:
        config.wanted_config(params)
    except BedrockParameterError:
        pass


@PROPERTY_SETTINGS
@given(
    st.dictionaries(
        st.sampled_from([p.answer for p in options.POLICIES] + ["name", "kmsKeyArn", "crossRegionDetails"]), ANYTHING
    )
)
def test_any_answer_is_described_without_raising(answer):
    config.described_config(answer)


def test_the_fake_kms_alias_rule_is_not_ours():
    # guardrail_shapes.kms_key_arn() (the test endpoint) makes an alias stand for a key the module cannot know
    # without KMS: the module compares an alias only through the ARN KMS resolves it to.
    alias_key = str(uuid.uuid5(uuid.NAMESPACE_URL, "alias/guardrails"))
    assert config.same_kms_key("alias/guardrails", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{alias_key}") is None
