# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake ApplyGuardrail's documented rules (guardrail_eval.py), as pure functions: PII, phrases,
strengths, grounding scores and masking, with Hypothesis properties for arbitrary text.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from .fake_bedrock.guardrail_eval import CONTENT_TRIGGERS
from .fake_bedrock.guardrail_eval import PII_PATTERNS
from .fake_bedrock.guardrail_eval import PROFANITY
from .fake_bedrock.guardrail_eval import Evaluation
from .fake_bedrock.guardrail_eval import catches
from .fake_bedrock.guardrail_eval import confidence
from .fake_bedrock.guardrail_eval import grounding_score
from .fake_bedrock.guardrail_eval import luhn
from .fake_bedrock.guardrail_eval import phrase_spans
from .fake_bedrock.guardrail_eval import pii_matches
from .fake_bedrock.guardrail_rules import CONTENT_FILTER_TYPES
from .guardrail_helpers import EVERY_POLICY
from .guardrail_helpers import MESSAGES

ALL_PII = set(PII_PATTERNS) | {"NAME", "ADDRESS"}


@pytest.mark.parametrize(
    "text, found",
    [
        ("card 4111 1111 1111 1111 ok", [("4111 1111 1111 1111", "CREDIT_DEBIT_CARD_NUMBER")]),
        ("card 4111-1111-1111-1112 fails Luhn", []),
        ("ssn 123-45-6789", [("123-45-6789", "US_SOCIAL_SECURITY_NUMBER")]),
        ("to a.b+c@mail.example.co.uk.", [("a.b+c@mail.example.co.uk", "EMAIL")]),
        ("see https://example.com/a?b=c.", [("https://example.com/a?b=c", "URL")]),
        ("host 10.0.0.255 not 10.0.0.256", [("10.0.0.255", "IP_ADDRESS")]),
        ("mac 0a:1B:2c:3D:4e:5F", [("0a:1B:2c:3D:4e:5F", "MAC_ADDRESS")]),
        ("key AKIAABCDEFGHIJKLMNOP", [("AKIAABCDEFGHIJKLMNOP", "AWS_ACCESS_KEY")]),
        ("call +1 555-123-4567 or (555) 765.4321", [("+1 555-123-4567", "PHONE"), ("(555) 765.4321", "PHONE")]),
        ("John Smith lives at 1 Main Street", []),
        # A match overlapping a span an earlier type took is not found: the email wins over the URL around it.
        ("http://x.example/?to=bob@example.com", [("bob@example.com", "EMAIL")]),
    ],
)
def test_pii_rules(text: str, found: list[tuple[str, str]]) -> None:
    assert [(text[start:end], kind) for start, end, kind in pii_matches(text, ALL_PII)] == found


def test_only_the_types_asked_for_are_found() -> None:
    assert pii_matches("bob@example.com 123-45-6789", {"US_SOCIAL_SECURITY_NUMBER"}) == [
        (16, 27, "US_SOCIAL_SECURITY_NUMBER")
    ]
    assert luhn("79927398713") and not luhn("79927398710")


@pytest.mark.parametrize(
    "text, phrase, spans",
    [
        ("Kill it", "kill", [(0, 4)]),
        ("skills, kills, killer", "kill", []),
        ("so KILL. kill!", "kill", [(3, 7), (9, 13)]),
        ("ignore\tprevious   instructions", "ignore previous instructions", [(0, 30)]),
        ("a.b a-b", "a.b", [(0, 3)]),
    ],
)
def test_phrases_are_whole_words_in_any_case(text: str, phrase: str, spans: list[tuple[int, int]]) -> None:
    assert list(phrase_spans(text, phrase)) == spans


@pytest.mark.parametrize(
    "strength, caught",
    [("NONE", []), ("LOW", ["HIGH"]), ("MEDIUM", ["MEDIUM", "HIGH"]), ("HIGH", ["LOW", "MEDIUM", "HIGH"])],
)
def test_a_strength_catches_these_confidences(strength: str, caught: list[str]) -> None:
    assert [level for level in ("NONE", "LOW", "MEDIUM", "HIGH") if catches(strength, level)] == caught


def test_every_trigger_gives_its_confidence() -> None:
    assert set(CONTENT_TRIGGERS) == set(CONTENT_FILTER_TYPES)
    for kind, levels in CONTENT_TRIGGERS.items():
        for level, phrases in levels.items():
            for phrase in phrases:
                assert confidence(f"Well, {phrase.upper()}!", kind) == level
        assert confidence("a harmless sentence", kind) == "NONE"
    # The highest level found wins.
    assert confidence("silly idiot", "INSULTS") == "HIGH"


@pytest.mark.parametrize(
    "content, context, score",
    [
        ("Paris is in France", "France's capital, Paris, is in France", 1.0),
        ("Paris is in Spain", "Paris is in France", 0.75),
        ("one two three", "nothing alike", 0.0),
        ("!!!", "anything", 1.0),
    ],
)
def test_grounding_scores(content: str, context: str, score: float) -> None:
    assert grounding_score(content, context) == score


def _config(**members: Any) -> dict[str, Any]:
    return {"name": "g", **MESSAGES, **members}


def test_a_regex_over_a_masked_span_is_reported_but_not_masked_again() -> None:
    config = _config(
        sensitiveInformationPolicyConfig={
            "piiEntitiesConfig": [{"type": "EMAIL", "action": "ANONYMIZE"}],
            "regexesConfig": [
                {"name": "domain", "pattern": r"example\.com", "action": "ANONYMIZE"},
                {"name": "digits", "pattern": r"\d+", "action": "ANONYMIZE"},
                {"name": "empty", "pattern": r"q*", "action": "BLOCK"},
            ],
        }
    )
    evaluation = Evaluation(config, "INPUT", ["bob@example.com has 42"], full=False)
    policy = evaluation.run([], [])["sensitiveInformationPolicy"]
    assert [(item["name"], item["match"]) for item in policy["regexes"]] == [
        ("domain", "example.com"),
        ("digits", "42"),
    ]
    assert evaluation.masked_texts() == ["{EMAIL} has {digits}"]
    assert evaluation.decision() == "ANONYMIZED"


def test_words_and_profanity_in_the_order_of_the_text() -> None:
    config = _config(
        wordPolicyConfig={
            "wordsConfig": [{"text": "Globex"}, {"text": "Acme Corp", "inputAction": "NONE"}],
            "managedWordListsConfig": [{"type": "PROFANITY"}],
        }
    )
    evaluation = Evaluation(config, "INPUT", ["acme  corp and DAMN Globex", "bloody globex"], full=True)
    policy = evaluation.run([], [])["wordPolicy"]
    assert [(item["match"], item["action"]) for item in policy["customWords"]] == [
        ("acme  corp", "NONE"),
        ("Globex", "BLOCKED"),
        ("globex", "BLOCKED"),
    ]
    assert [item["match"] for item in policy["managedWordLists"]] == ["DAMN", "bloody"]
    assert len(PROFANITY) == 5


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_pii_spans_are_ordered_disjoint_and_whole(text: str) -> None:
    matches = pii_matches(text, ALL_PII)
    for (start, end, kind), following in zip(matches, matches[1:] + [(len(text), len(text), "")]):
        assert 0 <= start < end <= following[0]
        assert PII_PATTERNS[kind].fullmatch(text[start:end])


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=60),
    st.sampled_from([p for levels in CONTENT_TRIGGERS.values() for ps in levels.values() for p in ps]),
    st.text(max_size=60),
)
def test_a_phrase_between_spaces_is_always_found(before: str, phrase: str, after: str) -> None:
    text = f"{before} {phrase} {after}"
    assert any(text[start:end].lower() == phrase for start, end in phrase_spans(text, phrase))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(max_size=80), min_size=1, max_size=3),
    st.sampled_from(["INPUT", "OUTPUT"]),
    st.booleans(),
)
def test_any_text_gets_an_answer(texts: list[str], source: str, full: bool) -> None:
    config = _config(**copy.deepcopy(EVERY_POLICY))
    evaluation = Evaluation(config, source, texts, full)
    policies = evaluation.run(texts[:1], texts[-1:])
    assert evaluation.decision() in ("BLOCKED", "ANONYMIZED", "NONE")
    assert len(evaluation.masked_texts()) == len(texts)
    for policy in policies.values():
        for entries in policy.values():
            assert all(entry["action"] in ("BLOCKED", "ANONYMIZED", "NONE") for entry in entries)
