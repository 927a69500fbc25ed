# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the fake's ApplyGuardrail judges content: simple, documented rules, so that a test can predict every answer.

Content. A text block is guarded when it has no qualifiers or has ``guard_content``; blocks qualified only as
``grounding_source`` or ``query`` are the context of the contextual grounding check. An image is guarded when a
content filter that is enabled for the source has IMAGE among its modalities for it; images are counted but never
detected. An entry (filter, topic, word, PII type, regex) disabled for the source (``inputEnabled: false`` for
INPUT, ``outputEnabled: false`` for OUTPUT) is not evaluated, not shown and not billed.

Phrases (topic names and examples, words, content triggers, PROFANITY) match case-insensitively as whole words: not
inside a longer word ("kill" is not found in "skills" nor in "kills").

- Topics: a topic is detected when a guarded text holds its name or one of its examples.
- Content filters: CONTENT_TRIGGERS gives each type's phrases per confidence; a text's confidence for a type is
  the highest of the phrases found (NONE without any). A filter detects when its strength for the source catches
  that confidence: HIGH catches LOW and above, MEDIUM catches MEDIUM and HIGH, LOW only HIGH, NONE nothing.
- Words: each occurrence of a word of ``wordsConfig``, and of PROFANITY for the managed list.
- PII: PII_PATTERNS, in that order of priority: a match overlapping a span an earlier type took is not found
  (an email inside a URL is an EMAIL, and that URL is not found); card numbers must pass the Luhn check. The
  other types of the model (NAME, ADDRESS, ...) are accepted in a guardrail but never detected.
- Regexes: every non-empty match of Python ``re.finditer`` of each regex, in the configured order.
- Contextual grounding: only for source OUTPUT with at least one ``grounding_source``, one ``query`` and one
  guarded block. Score = the share (rounded to 2 places) of the guarded text's distinct words (``\\w+``, lower
  case) that appear in the grounding sources (GROUNDING) or in the queries (RELEVANCE); detected below the
  threshold. Automated reasoning policies are accepted but not evaluated.

Actions. An entry detected with action BLOCK (or ANONYMIZE) is shown as BLOCKED (or ANONYMIZED), with NONE as
NONE (detect only). Any BLOCKED entry makes the answer GUARDRAIL_INTERVENED with one output, the blocked message of
the source (``blockedInputMessaging`` or ``blockedOutputsMessaging``), actionReason "Guardrail blocked.". Else any
ANONYMIZED entry makes it GUARDRAIL_INTERVENED with one output per guarded text block, each PII match replaced by
``{TYPE}`` (``{EMAIL}``) and each regex match by ``{NAME OF THE REGEX}`` (PII first; a regex match overlapping a
masked span is reported but not masked again), actionReason "Guardrail masked.". Else the action is NONE, no
outputs, actionReason "No action.".

Assessment (one for the request): topics, content and grounding filters, and undetected PII types in the order
the guardrail was configured with (not GetGuardrail's); words, PII and regex matches in the order of the text.
With outputScope INTERVENTIONS (the default) only detected entries; with FULL also every evaluated topic, content
filter and PII type not detected (``detected: false``, action NONE; a PII type's ``match`` is then ""); words and
regexes are never listed undetected. Grounding filters are always listed when evaluated.

Usage: units = characters of the guarded text / 1,000, rounded up; each policy with an entry evaluated for the
source counts them (PII in ``sensitiveInformationPolicyUnits``, regexes in ``sensitiveInformationPolicyFreeUnits``),
contextual grounding counts the units of the guarded, source and query texts together, ``contentPolicyImageUnits``
the guarded images; automated reasoning 0.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Iterator

from .guardrail_shapes import entry_settings

CONTENT_TRIGGERS: dict[str, dict[str, tuple[str, ...]]] = {
    "HATE": {"HIGH": ("subhuman",), "MEDIUM": ("bigot",), "LOW": ("stereotype",)},
    "INSULTS": {"HIGH": ("idiot",), "MEDIUM": ("stupid",), "LOW": ("silly",)},
    "SEXUAL": {"HIGH": ("explicit",), "MEDIUM": ("nude",), "LOW": ("sexy",)},
    "VIOLENCE": {"HIGH": ("kill",), "MEDIUM": ("attack",), "LOW": ("fight",)},
    "MISCONDUCT": {"HIGH": ("counterfeit",), "MEDIUM": ("steal",), "LOW": ("cheat",)},
    "PROMPT_ATTACK": {"HIGH": ("ignore previous instructions",), "MEDIUM": ("jailbreak",), "LOW": ("pretend you are",)},
}
PROFANITY = ("bloody", "bollocks", "bugger", "crap", "damn")
_CARD = r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
PII_PATTERNS: dict[str, re.Pattern[str]] = {
    "CREDIT_DEBIT_CARD_NUMBER": re.compile(_CARD),
    "US_SOCIAL_SECURITY_NUMBER": re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)"),
    "EMAIL": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    "URL": re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)]"),
    "IP_ADDRESS": re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\d.])"),
    "MAC_ADDRESS": re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f:])"),
    "AWS_ACCESS_KEY": re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    "PHONE": re.compile(r"(?<![\w+])(?:\+1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)"),
}
_RANK = {"NONE": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}
# The lowest confidence a filter of each strength catches.
_CAUGHT_FROM = {"LOW": "HIGH", "MEDIUM": "MEDIUM", "HIGH": "LOW"}
_SHOWN = {"BLOCK": "BLOCKED", "ANONYMIZE": "ANONYMIZED", "NONE": "NONE"}
MESSAGES = {"BLOCKED": "Guardrail blocked.", "ANONYMIZED": "Guardrail masked.", "NONE": "No action."}


def phrase_spans(text: str, phrase: str) -> Iterator[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text`` as whole words, case-insensitively (runs of spaces match any spaces)."""
    pattern = r"\s+".join(re.escape(word) for word in phrase.split())
    for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
        yield match.span()


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def pii_matches(text: str, types: set[str]) -> list[tuple[int, int, str]]:
    """The PII of ``types`` in a text, as (start, end, type) in text order, each span taken by one type only."""
    taken: list[tuple[int, int, str]] = []
    for kind, pattern in PII_PATTERNS.items():
        if kind not in types:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "CREDIT_DEBIT_CARD_NUMBER" and not luhn(re.sub(r"\D", "", match.group())):
                continue
            if all(end <= other[0] or start >= other[1] for other in taken):
                taken.append((start, end, kind))
    return sorted(taken)


def confidence(text: str, kind: str) -> str:
    """The confidence of a content filter type for a text: the highest level whose phrase it holds."""
    for level in ("HIGH", "MEDIUM", "LOW"):
        if any(next(phrase_spans(text, phrase), None) for phrase in CONTENT_TRIGGERS[kind][level]):
            return level
    return "NONE"


def catches(strength: str, found: str) -> bool:
    return strength in _CAUGHT_FROM and found != "NONE" and _RANK[found] >= _RANK[_CAUGHT_FROM[strength]]


def grounding_score(content: str, context: str) -> float:
    words = set(re.findall(r"\w+", content.lower()))
    if not words:
        return 1.0
    return round(len(words & set(re.findall(r"\w+", context.lower()))) / len(words), 2)


def _active(config: dict[str, Any], policy: str, member: str, source: str) -> list[tuple[dict[str, Any], str]]:
    """The entries of a policy list evaluated for ``source``, with their action there."""
    entries = (config.get(policy) or {}).get(member) or []
    return [(entry, action) for entry in entries for enabled, action in [entry_settings(entry, source)] if enabled]


class Evaluation:
    """The assessment of one ApplyGuardrail request's content against one guardrail configuration."""

    def __init__(self, config: dict[str, Any], source: str, texts: list[str], full: bool) -> None:
        self.config = config
        self.source = source
        self.texts = texts
        self.full = full
        self.policies: dict[str, Any] = {}
        self.masks: list[list[tuple[int, int, str]]] = [[] for dummy in texts]

    def run(self, sources: list[str], queries: list[str]) -> dict[str, Any]:
        self._topics()
        self._content()
        self._words()
        self._sensitive()
        if self.source == "OUTPUT" and sources and queries and self.texts:
            self._grounding(" ".join(sources), " ".join(queries))
        return self.policies

    def units_by_policy(self) -> dict[str, bool]:
        """Which policies had an entry evaluated (so bill the guarded text's units)."""
        source, config = self.source, self.config
        text_filters = [
            entry
            for entry, dummy in _active(config, "contentPolicyConfig", "filtersConfig", source)
            if "TEXT" in entry.get(f"{source.lower()}Modalities", ["TEXT"])
        ]
        return {
            "topicPolicyUnits": bool(_active(config, "topicPolicyConfig", "topicsConfig", source)),
            "contentPolicyUnits": bool(text_filters),
            "wordPolicyUnits": bool(
                _active(config, "wordPolicyConfig", "wordsConfig", source)
                or _active(config, "wordPolicyConfig", "managedWordListsConfig", source)
            ),
            "sensitiveInformationPolicyUnits": bool(
                _active(config, "sensitiveInformationPolicyConfig", "piiEntitiesConfig", source)
            ),
            "sensitiveInformationPolicyFreeUnits": bool(
                _active(config, "sensitiveInformationPolicyConfig", "regexesConfig", source)
            ),
        }

    def decision(self) -> str:
        """BLOCKED, ANONYMIZED or NONE: the strongest action of any entry shown."""
        shown = {item.get("action") for policy in self.policies.values() for items in policy.values() for item in items}
        return "BLOCKED" if "BLOCKED" in shown else ("ANONYMIZED" if "ANONYMIZED" in shown else "NONE")

    def masked_texts(self) -> list[str]:
        result = []
        for text, spans in zip(self.texts, self.masks):
            kept: list[tuple[int, int, str]] = []
            for span in spans:
                if all(span[1] <= other[0] or span[0] >= other[1] for other in kept):
                    kept.append(span)
            for start, end, label in sorted(kept, reverse=True):
                text = text[:start] + "{" + label + "}" + text[end:]
            result.append(text)
        return result

    def _found(self, phrases: list[str]) -> bool:
        return any(next(phrase_spans(text, phrase), None) for text in self.texts for phrase in phrases)

    def _topics(self) -> None:
        entries = []
        for topic, action in _active(self.config, "topicPolicyConfig", "topicsConfig", self.source):
            detected = self._found([topic["name"], *topic.get("examples", [])])
            if detected or self.full:
                shown = _SHOWN[action] if detected else "NONE"
                entries.append({"name": topic["name"], "type": "DENY", "action": shown, "detected": detected})
        if entries:
            self.policies["topicPolicy"] = {"topics": entries}

    def _content(self) -> None:
        entries = []
        direction = self.source.lower()
        for item, action in _active(self.config, "contentPolicyConfig", "filtersConfig", self.source):
            if "TEXT" not in item.get(f"{direction}Modalities", ["TEXT"]):
                continue
            strength = item[f"{direction}Strength"]
            found = max((confidence(text, item["type"]) for text in self.texts), key=_RANK.__getitem__, default="NONE")
            detected = catches(strength, found)
            if detected or self.full:
                entries.append(
                    {
                        "type": item["type"],
                        "confidence": found,
                        "filterStrength": strength,
                        "action": _SHOWN[action] if detected else "NONE",
                        "detected": detected,
                    }
                )
        if entries:
            self.policies["contentPolicy"] = {"filters": entries}

    def _words(self) -> None:
        custom, managed = [], []
        words = _active(self.config, "wordPolicyConfig", "wordsConfig", self.source)
        lists = _active(self.config, "wordPolicyConfig", "managedWordListsConfig", self.source)
        for text in self.texts:
            found = [
                (span, word["text"], action, None)
                for word, action in words
                for span in phrase_spans(text, word["text"])
            ]
            found += [
                (span, phrase, action, entry["type"])
                for entry, action in lists
                for phrase in PROFANITY
                for span in phrase_spans(text, phrase)
            ]
            for (start, end), dummy, action, kind in sorted(found, key=lambda item: item[0]):
                entry = {"match": text[start:end], "action": _SHOWN[action], "detected": True}
                if kind is None:
                    custom.append(entry)
                else:
                    managed.append({**entry, "type": kind})
        if custom or managed:
            self.policies["wordPolicy"] = {"customWords": custom, "managedWordLists": managed}

    def _sensitive(self) -> None:
        pii: list[dict[str, Any]] = []
        regexes: list[dict[str, Any]] = []
        types = {entry["type"]: action for entry, action in _active(self.config, *_PII, self.source)}
        patterns = _active(self.config, *_REGEXES, self.source)
        seen: set[str] = set()
        for index, text in enumerate(self.texts):
            for start, end, kind in pii_matches(text, set(types)):
                seen.add(kind)
                pii.append({"match": text[start:end], "type": kind, "action": _SHOWN[types[kind]], "detected": True})
                if types[kind] == "ANONYMIZE":
                    self.masks[index].append((start, end, kind))
            found = []
            for regex, action in patterns:
                for match in re.finditer(regex["pattern"], text):
                    if match.end() > match.start():
                        found.append((match.span(), regex, action))
            for (start, end), regex, action in sorted(found, key=lambda item: item[0]):
                regexes.append(
                    {
                        "name": regex["name"],
                        "match": text[start:end],
                        "regex": regex["pattern"],
                        "action": _SHOWN[action],
                        "detected": True,
                    }
                )
                if action == "ANONYMIZE":
                    self.masks[index].append((start, end, regex["name"]))
        if self.full:
            pii += [
                {"match": "", "type": kind, "action": "NONE", "detected": False} for kind in types if kind not in seen
            ]
        if pii or regexes:
            self.policies["sensitiveInformationPolicy"] = {"piiEntities": pii, "regexes": regexes}

    def _grounding(self, sources: str, queries: str) -> None:
        content = " ".join(self.texts)
        entries = []
        for item in (self.config.get("contextualGroundingPolicyConfig") or {}).get("filtersConfig") or []:
            if not item.get("enabled", True):
                continue
            score = grounding_score(content, sources if item["type"] == "GROUNDING" else queries)
            detected = score < item["threshold"]
            action = _SHOWN[item.get("action", "BLOCK")] if detected else "NONE"
            entries.append(
                {
                    "type": item["type"],
                    "threshold": item["threshold"],
                    "score": score,
                    "action": action,
                    "detected": detected,
                }
            )
        if entries:
            self.policies["contextualGroundingPolicy"] = {"filters": entries}


_PII = ("sensitiveInformationPolicyConfig", "piiEntitiesConfig")
_REGEXES = ("sensitiveInformationPolicyConfig", "regexesConfig")
