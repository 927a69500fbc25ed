# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The foundation models and system-defined inference profiles of the fake, in one place.

The control plane lists them (foundation_models.py, inference_profiles.py) and the runtime asks ``refusal()`` whether
a model id may be invoked (invoke_model.py, converse.py, batch.py). The same catalogue in every region, except where
a model says otherwise (``regions``). Model ids not in it (``test.*`` ids, other ids of a known family) are answered
as before: the catalogue only adds refusals for the models it knows.

Models (id: what is special about it):

- ``anthropic.claude-3-haiku-20240307-v1:0``, ``amazon.nova-micro|lite|pro-v1:0``, ``amazon.titan-text-express-v1``,
  ``amazon.titan-embed-text-v1`` and ``-v2:0`` (EMBEDDING), ``meta.llama3-8b-instruct-v1:0``,
  ``mistral.mistral-7b-instruct-v0:2``, ``mistral.mistral-large-2407-v1:0``, ``cohere.command-r-v1:0``,
  ``cohere.embed-english-v3`` (EMBEDDING): ON_DEMAND, invoked by id or model ARN.
- profile-only (``inferenceTypesSupported`` ``["INFERENCE_PROFILE"]``, what the service sends although botocore's
  enum lists only ON_DEMAND and PROVISIONED): ``anthropic.claude-3-5-haiku-20241022-v1:0``,
  ``anthropic.claude-3-5-sonnet-20241022-v2:0``, ``anthropic.claude-3-7-sonnet-20250219-v1:0``,
  ``anthropic.claude-sonnet-4-5-20250929-v1:0``, ``amazon.nova-premier-v1:0``, ``meta.llama3-3-70b-instruct-v1:0``.
  By id or model ARN they answer ValidationException ``ON_DEMAND_MESSAGE``; through a profile they answer.
- PROVISIONED only: ``anthropic.claude-3-haiku-20240307-v1:0:200k``, ``amazon.titan-text-express-v1:0:8k`` (refused
  on demand with the same message, and no profile carries them).
- LEGACY: ``anthropic.claude-3-sonnet-20240229-v1:0`` and ``cohere.command-text-v14`` (still invocable).
- IMAGE: ``amazon.titan-image-generator-v2:0``, offered in us-east-1 and us-west-2 only: elsewhere it is not listed,
  GetFoundationModel answers ResourceNotFoundException, its availability says ``regionAvailability: NOT_AVAILABLE``
  and invoking it answers "The provided model identifier is invalid.".
- Not authorized: ``cohere.command-r-plus-v1:0`` is listed, but its availability is NOT_AVAILABLE / NOT_AUTHORIZED /
  NOT_AVAILABLE (agreement, authorization, entitlement) and invoking it answers AccessDeniedException.

System-defined inference profiles: ``<geo>.<model id>`` for each geography a model lists (``us``, ``eu``, ``apac``,
``global``), seen (listed, got, copied from) only from the source regions of its geography (``global``: every
region), each carrying the model in the destination regions below (at most 5: the service model's limit). At run
time any ``<geo>.`` id of a known family is answered, wherever the caller is (as before this catalogue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .control_plane import ACCOUNT
from .control_plane import ServiceError
from .control_plane import error
from .models import INVALID_MODEL_MESSAGE

ON_DEMAND_MESSAGE = (
    "Invocation of model ID {} with on-demand throughput isn't supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)
NO_ACCESS_MESSAGE = "You don't have access to the model with the specified model ID."
# createdAt/updatedAt of every system-defined inference profile.
SYSTEM_PROFILE_TIME = "2024-08-27T00:00:00.000Z"

# Geography of a system-defined profile: (the label its name starts with, its source regions (None: every region),
# its destination regions).
GEOGRAPHIES: dict[str, tuple[str, tuple[str, ...] | None, tuple[str, ...]]] = {
    "us": ("US", ("us-east-1", "us-east-2", "us-west-2"), ("us-east-1", "us-east-2", "us-west-2")),
    "eu": ("EU", ("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"), ("eu-central-1", "eu-west-1", "eu-west-3")),
    "apac": (
        "APAC",
        ("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"),
        ("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"),
    ),
    "global": ("Global", None, ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-northeast-1")),
}

# arn:PARTITION:bedrock:REGION:ACCOUNT:KIND/ID
_ARN = re.compile(r"arn:aws(?:-[a-z-]+)?:bedrock:([0-9a-z-]*):([0-9]*):([a-z-]+)/(.+)")


@dataclass(frozen=True)
class FoundationModel:
    model_id: str
    name: str
    provider: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...] = ("TEXT",)
    inference_types: tuple[str, ...] = ("ON_DEMAND",)
    customizations: tuple[str, ...] = ()
    streaming: bool = True
    # (legacyTime, publicExtendedAccessTime, endOfLifeTime) of a LEGACY model; None for an ACTIVE one.
    legacy: tuple[str, str, str] | None = None
    # The geographies of the system-defined inference profiles that carry it.
    geographies: tuple[str, ...] = ()
    # The regions that offer it (None: every region).
    regions: tuple[str, ...] | None = None
    authorized: bool = True

    @property
    def on_demand(self) -> bool:
        return "ON_DEMAND" in self.inference_types

    def offered_in(self, region: str) -> bool:
        return self.regions is None or region in self.regions

    def arn(self, region: str) -> str:
        return f"arn:aws:bedrock:{region}::foundation-model/{self.model_id}"

    def summary(self, region: str) -> dict[str, Any]:
        """The model as ListFoundationModels and GetFoundationModel show it (FoundationModelSummary/Details)."""
        lifecycle: dict[str, Any] = {"status": "ACTIVE" if self.legacy is None else "LEGACY"}
        if self.legacy is not None:
            names = ("legacyTime", "publicExtendedAccessTime", "endOfLifeTime")
            lifecycle.update(zip(names, self.legacy))
        return {
            "modelArn": self.arn(region),
            "modelId": self.model_id,
            "modelName": self.name,
            "providerName": self.provider,
            "inputModalities": list(self.inputs),
            "outputModalities": list(self.outputs),
            "responseStreamingSupported": self.streaming,
            "customizationsSupported": list(self.customizations),
            "inferenceTypesSupported": list(self.inference_types),
            "modelLifecycle": lifecycle,
        }

    def availability(self, region: str) -> dict[str, Any]:
        """GetFoundationModelAvailability's answer in ``region``."""
        return {
            "modelId": self.model_id,
            "agreementAvailability": {"status": "AVAILABLE" if self.authorized else "NOT_AVAILABLE"},
            "authorizationStatus": "AUTHORIZED" if self.authorized else "NOT_AUTHORIZED",
            "entitlementAvailability": "AVAILABLE" if self.authorized else "NOT_AVAILABLE",
            "regionAvailability": "AVAILABLE" if self.offered_in(region) else "NOT_AVAILABLE",
        }


_TEXT_IMAGE = ("TEXT", "IMAGE")
_PROFILE_ONLY = ("INFERENCE_PROFILE",)
_NOVA_TUNING = ("FINE_TUNING", "DISTILLATION")
_TITAN_TUNING = ("FINE_TUNING", "CONTINUED_PRE_TRAINING")
_EVERYWHERE = ("us", "eu", "apac")
_LEGACY = ("2025-07-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z")

# fmt: off
MODELS: tuple[FoundationModel, ...] = (
    FoundationModel("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic", _TEXT_IMAGE,
                    geographies=_EVERYWHERE),
    FoundationModel("anthropic.claude-3-haiku-20240307-v1:0:200k", "Claude 3 Haiku", "Anthropic", _TEXT_IMAGE,
                    inference_types=("PROVISIONED",), customizations=("FINE_TUNING",)),
    FoundationModel("anthropic.claude-3-sonnet-20240229-v1:0", "Claude 3 Sonnet", "Anthropic", _TEXT_IMAGE,
                    legacy=_LEGACY, geographies=("us",)),
    FoundationModel("anthropic.claude-3-5-haiku-20241022-v1:0", "Claude 3.5 Haiku", "Anthropic", ("TEXT",),
                    inference_types=_PROFILE_ONLY, geographies=("us",)),
    FoundationModel("anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "Anthropic", _TEXT_IMAGE,
                    inference_types=_PROFILE_ONLY, geographies=("us", "apac")),
    FoundationModel("anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet", "Anthropic", _TEXT_IMAGE,
                    inference_types=_PROFILE_ONLY, geographies=_EVERYWHERE),
    FoundationModel("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "Anthropic", _TEXT_IMAGE,
                    inference_types=_PROFILE_ONLY, geographies=("us", "eu", "global")),
    FoundationModel("amazon.nova-micro-v1:0", "Nova Micro", "Amazon", ("TEXT",), customizations=_NOVA_TUNING,
                    geographies=_EVERYWHERE),
    FoundationModel("amazon.nova-lite-v1:0", "Nova Lite", "Amazon", _TEXT_IMAGE, customizations=_NOVA_TUNING,
                    geographies=_EVERYWHERE),
    FoundationModel("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", _TEXT_IMAGE, customizations=_NOVA_TUNING,
                    geographies=_EVERYWHERE),
    FoundationModel("amazon.nova-premier-v1:0", "Nova Premier", "Amazon", _TEXT_IMAGE, inference_types=_PROFILE_ONLY,
                    customizations=("DISTILLATION",), geographies=("us",)),
    FoundationModel("amazon.titan-text-express-v1", "Titan Text Express", "Amazon", ("TEXT",),
                    customizations=_TITAN_TUNING),
    FoundationModel("amazon.titan-text-express-v1:0:8k", "Titan Text Express", "Amazon", ("TEXT",),
                    inference_types=("PROVISIONED",), customizations=_TITAN_TUNING),
    FoundationModel("amazon.titan-embed-text-v1", "Titan Embeddings G1", "Amazon", ("TEXT",), ("EMBEDDING",),
                    streaming=False),
    FoundationModel("amazon.titan-embed-text-v2:0", "Titan Embeddings V2", "Amazon", ("TEXT",), ("EMBEDDING",),
                    streaming=False),
    FoundationModel("amazon.titan-image-generator-v2:0", "Titan Image Gen V2", "Amazon", _TEXT_IMAGE, ("IMAGE",),
                    customizations=("FINE_TUNING",), streaming=False, regions=("us-east-1", "us-west-2")),
    FoundationModel("meta.llama3-8b-instruct-v1:0", "Llama 3 8B Instruct", "Meta", ("TEXT",)),
    FoundationModel("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B", "Meta", ("TEXT",),
                    inference_types=_PROFILE_ONLY, geographies=("us",)),
    FoundationModel("mistral.mistral-7b-instruct-v0:2", "Mistral 7B Instruct", "Mistral AI", ("TEXT",)),
    FoundationModel("mistral.mistral-large-2407-v1:0", "Mistral Large 24.07", "Mistral AI", ("TEXT",)),
    FoundationModel("cohere.command-text-v14", "Command", "Cohere", ("TEXT",), customizations=("FINE_TUNING",),
                    legacy=_LEGACY),
    FoundationModel("cohere.command-r-v1:0", "Command R", "Cohere", ("TEXT",)),
    FoundationModel("cohere.command-r-plus-v1:0", "Command R+", "Cohere", ("TEXT",), authorized=False),
    FoundationModel("cohere.embed-english-v3", "Embed English", "Cohere", ("TEXT",), ("EMBEDDING",), streaming=False),
)
# fmt: on
_BY_ID = {model.model_id: model for model in MODELS}


@dataclass(frozen=True)
class SystemProfile:
    """A system-defined (cross-region) inference profile: one model in one geography."""

    geography: str
    model: FoundationModel

    @property
    def profile_id(self) -> str:
        return f"{self.geography}.{self.model.model_id}"

    @property
    def destinations(self) -> tuple[str, ...]:
        return GEOGRAPHIES[self.geography][2]

    def visible_in(self, region: str) -> bool:
        sources = GEOGRAPHIES[self.geography][1]
        return sources is None or region in sources

    def arn(self, region: str) -> str:
        return f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{self.profile_id}"

    def model_arns(self) -> list[str]:
        return [self.model.arn(region) for region in self.destinations]

    def summary(self, region: str) -> dict[str, Any]:
        """The profile as GetInferenceProfile and ListInferenceProfiles show it, from ``region``."""
        label = GEOGRAPHIES[self.geography][0]
        return {
            "inferenceProfileName": f"{label} {self.model.name}",
            "description": f"Routes requests to {self.model.name} in {' '.join(self.destinations)}.",
            "createdAt": SYSTEM_PROFILE_TIME,
            "updatedAt": SYSTEM_PROFILE_TIME,
            "inferenceProfileArn": self.arn(region),
            "models": [{"modelArn": arn} for arn in self.model_arns()],
            "inferenceProfileId": self.profile_id,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }


SYSTEM_PROFILES: tuple[SystemProfile, ...] = tuple(
    SystemProfile(geography, model) for model in MODELS for geography in model.geographies
)
_PROFILES_BY_ID = {profile.profile_id: profile for profile in SYSTEM_PROFILES}


def find_model(model_id: str) -> FoundationModel | None:
    return _BY_ID.get(model_id)


def find_system_profile(profile_id: str, region: str) -> SystemProfile | None:
    """The system-defined profile of that id, if seen from ``region``."""
    profile = _PROFILES_BY_ID.get(profile_id)
    return profile if profile is not None and profile.visible_in(region) else None


def system_profiles(region: str) -> list[SystemProfile]:
    """The system-defined profiles seen from ``region``, in the catalogue's order."""
    return [profile for profile in SYSTEM_PROFILES if profile.visible_in(region)]


def parse_arn(arn: str) -> tuple[str, str, str, str] | None:
    """(region, account, resource kind, resource id) of a Bedrock ARN, or None for anything else."""
    match = _ARN.fullmatch(arn)
    return (match.group(1), match.group(2), match.group(3), match.group(4)) if match else None


def _geography_prefix(model_id: str) -> bool:
    head = model_id.split(".", 1)[0]
    return "." in model_id and head in GEOGRAPHIES


def refusal(model_id: str, region: str) -> ServiceError | None:
    """Why the runtime refuses to invoke ``model_id`` from ``region`` (an id or ARN of a foundation model or of a
    system-defined profile), or None when it answers (as it does for any id the catalogue does not know).
    """
    through_profile = False
    base = model_id
    parts = parse_arn(model_id)
    if parts is not None:
        kind = parts[2]
        if kind not in ("foundation-model", "inference-profile"):
            return None
        base, through_profile = parts[3], kind == "inference-profile"
    if through_profile or _geography_prefix(base):
        through_profile = True
        base = base.split(".", 1)[1] if _geography_prefix(base) else base
    model = find_model(base)
    if model is None:
        return None
    if not model.authorized:
        return error("AccessDeniedException", NO_ACCESS_MESSAGE)
    if not model.offered_in(region):
        return error("ValidationException", INVALID_MODEL_MESSAGE)
    if not through_profile and not model.on_demand:
        return error("ValidationException", ON_DEMAND_MESSAGE.format(model.model_id))
    return None
