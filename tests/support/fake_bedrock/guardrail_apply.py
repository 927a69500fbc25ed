# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``ApplyGuardrail`` API of bedrock-runtime: ``POST /guardrail/{id or ARN}/version/{DRAFT or N}/apply``.

The version must exist (else ResourceNotFoundException) and be READY (else ValidationException); the body is checked
as the service checks it (source, content blocks as unions of text and image, qualifiers, image format and bytes,
outputScope; and at least one block), and the content judged by the documented rules of guardrail_eval.py, so a
test can predict every answer. Every call that reaches it is counted in ``GET /_test/guardrails/stats`` (in flight,
their peak, in all, refused), so a test can prove cases ran at once. GuardrailConfig's ``apply_latency`` makes each call take that
long (for the benchmark), ``apply_max_in_flight`` refuses calls beyond that many at once with ThrottlingException
(as test.crowd does for InvokeModel), and ``POST /_test/faults`` fails the next N calls (operation_faults.py: such a
call never reaches it).
``guardrailProcessingLatency`` is ``apply_latency`` in milliseconds.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from typing import Any
from urllib.parse import unquote

from .control_plane import Checks
from .control_plane import Items
from .control_plane import OneOf
from .control_plane import ServiceError
from .control_plane import Struct
from .control_plane import Text
from .control_plane import error
from .control_plane import json_body
from .core import Reply
from .core import Request
from .core import Route
from .core import json_bytes
from .guardrail_eval import MESSAGES
from .guardrail_eval import Evaluation
from .guardrail_rules import GUARDRAIL_IDENTIFIER
from .guardrail_rules import GUARDRAIL_VERSION
from .guardrail_shapes import entry_settings
from .guardrail_store import Guardrail
from .guardrail_store import Version
from .guardrails import service

TEXT_BLOCK = Struct(
    {"text": Text(), "qualifiers": Items(OneOf(("grounding_source", "query", "guard_content")))}, ("text",)
)
IMAGE_BLOCK = Struct(
    {"format": OneOf(("png", "jpeg")), "source": Struct({"bytes": Text(1)}, union=True)}, ("format", "source")
)
APPLY_GUARDRAIL = Struct(
    {
        "source": OneOf(("INPUT", "OUTPUT")),
        "content": Items(Struct({"text": TEXT_BLOCK, "image": IMAGE_BLOCK}, union=True), 1),
        "outputScope": OneOf(("INTERVENTIONS", "FULL")),
    },
    ("source", "content"),
)
_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
THROTTLING_MESSAGE = "Too many requests, please wait before trying again."


def check_apply(identifier: str, version: str, body: dict[str, Any]) -> None:
    """Raise ValidationException for an ApplyGuardrail request the service would refuse."""
    checks = Checks()
    checks.string(identifier, "guardrailIdentifier", re.compile(f"|{GUARDRAIL_IDENTIFIER.pattern}"), 0, 2048)
    checks.string(version, "guardrailVersion", re.compile(f"|{GUARDRAIL_VERSION.pattern}"))
    checks.shape(body, APPLY_GUARDRAIL, "")
    checks.raise_any()
    for index, block in enumerate(body["content"], 1):
        if "image" in block:
            image = block["image"]
            try:
                data = base64.b64decode(image["source"]["bytes"], validate=True)
            except (binascii.Error, ValueError):
                data = b""
            if not data.startswith(_MAGIC[image["format"]]):
                where = f"content.{index}.member.image.source.bytes"
                checks.fail("<bytes>", where, f"Member must be a valid {image['format']} image")
    checks.raise_any()
    if not identifier or not version:
        # An empty identifier and version apply the account's enforced guardrail, which the fake does not have.
        raise error("ValidationException", "No guardrail identifier and version, and no enforced guardrail to apply.")


def assess(guardrail: Guardrail, version: Version, body: dict[str, Any], latency: float) -> dict[str, Any]:
    """The ApplyGuardrail answer for a checked request against a READY version (see guardrail_eval.py)."""
    config, source = version.config, body["source"]
    texts, sources, queries = [], [], []
    total = images = 0
    for block in body["content"]:
        if "image" in block:
            images += 1
            continue
        text, qualifiers = block["text"]["text"], block["text"].get("qualifiers") or []
        total += len(text)
        if not qualifiers or "guard_content" in qualifiers:
            texts.append(text)
        if "grounding_source" in qualifiers:
            sources.append(text)
        if "query" in qualifiers:
            queries.append(text)
    evaluation = Evaluation(config, source, texts, body.get("outputScope") == "FULL")
    policies = evaluation.run(sources, queries)
    guarded = sum(len(text) for text in texts)
    usage = {name: _units(guarded) if used else 0 for name, used in evaluation.units_by_policy().items()}
    grounded = guarded + sum(len(text) for text in sources + queries)
    usage["contextualGroundingPolicyUnits"] = _units(grounded) if "contextualGroundingPolicy" in policies else 0
    usage["contentPolicyImageUnits"] = images if _guards_images(config, source) else 0
    usage["automatedReasoningPolicyUnits"] = usage["automatedReasoningPolicies"] = 0
    coverage: dict[str, Any] = {"textCharacters": {"guarded": guarded, "total": total}}
    if images:
        coverage["images"] = {"guarded": usage["contentPolicyImageUnits"], "total": images}
    decision = evaluation.decision()
    if decision == "BLOCKED":
        message = config["blockedInputMessaging" if source == "INPUT" else "blockedOutputsMessaging"]
        outputs = [{"text": message}]
    elif decision == "ANONYMIZED":
        outputs = [{"text": text} for text in evaluation.masked_texts()]
    else:
        outputs = []
    assessment = {
        **policies,
        "invocationMetrics": {
            "guardrailProcessingLatency": round(latency * 1000),
            "usage": usage,
            "guardrailCoverage": coverage,
        },
        "appliedGuardrailDetails": {
            "guardrailId": guardrail.guardrail_id,
            "guardrailVersion": version.number,
            "guardrailArn": guardrail.arn,
            "guardrailOrigin": ["REQUEST"],
            "guardrailOwnership": "SELF",
        },
    }
    return {
        "usage": usage,
        "action": "NONE" if decision == "NONE" else "GUARDRAIL_INTERVENED",
        "actionReason": MESSAGES[decision],
        "outputs": outputs,
        "assessments": [assessment],
        "guardrailCoverage": coverage,
    }


def _units(characters: int) -> int:
    return -(-characters // 1000)


def _guards_images(config: dict[str, Any], source: str) -> bool:
    for entry in (config.get("contentPolicyConfig") or {}).get("filtersConfig") or []:
        if entry_settings(entry, source)[0] and "IMAGE" in entry.get(f"{source.lower()}Modalities", ["TEXT"]):
            return True
    return False


def handle_apply(request: Request) -> Reply:
    guardrails = service(request.server)
    store, stats = guardrails.store, guardrails.stats
    stats.enter()
    try:
        limit = store.config.apply_max_in_flight
        if limit is not None and stats.refuse_above(limit):
            raise ServiceError(429, "ThrottlingException", THROTTLING_MESSAGE)
        identifier, number = unquote(request.match.group("guardrail")), unquote(request.match.group("version"))
        body = json_body(request.body)
        check_apply(identifier, number, body)
        guardrail, version = store.for_apply(identifier, number)
        latency = store.config.apply_latency
        if latency:
            time.sleep(latency)
        return Reply(200, json_bytes(assess(guardrail, version, body, latency)))
    except ServiceError as exc:
        return exc.reply()
    finally:
        # Also when answering failed, or in_flight would only ever grow.
        stats.leave()


ROUTES = [
    Route(
        "POST",
        re.compile(r"^/guardrail/(?P<guardrail>[^/]*)/version/(?P<version>[^/]*)/apply$"),
        handle_apply,
        "ApplyGuardrail",
    )
]
