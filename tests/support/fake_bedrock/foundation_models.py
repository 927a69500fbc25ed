# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Foundation models in the fake endpoint: the models of catalogue.py, as the control plane shows them.

API routes (rest-json, errors as ``x-amzn-ErrorType`` plus ``{"message"}``):

- ``GET /foundation-models`` (ListFoundationModels): every model offered in the request's region, in the
  catalogue's order, in one answer (the operation has no pagination), filtered by each query parameter given:
  ``byProvider`` (the provider's name, any case, or the first word of the model id: ``anthropic``, ``Mistral AI``,
  ``mistral``), ``byCustomizationType`` (in ``customizationsSupported``), ``byOutputModality`` (in
  ``outputModalities``), ``byInferenceType`` (in ``inferenceTypesSupported``: ON_DEMAND leaves out the profile-only
  and the provisioned-only models). An enum value or provider name the service refuses is a ValidationException.
- ``GET /foundation-models/{id or ARN}`` (GetFoundationModel): ``{"modelDetails": ...}``; an ARN of another region
  or an id the catalogue does not know (a profile id, say) is a ResourceNotFoundException.
- ``GET /foundation-model-availability/{id}`` (GetFoundationModelAvailability): agreement, authorization,
  entitlement and region availability of a model id (an ARN fails the pattern). Every model is AVAILABLE and
  AUTHORIZED but ``cohere.command-r-plus-v1:0`` (NOT_AVAILABLE, NOT_AUTHORIZED, NOT_AVAILABLE) and, outside
  us-east-1 and us-west-2, ``amazon.titan-image-generator-v2:0`` (``regionAvailability: NOT_AVAILABLE``).

``projectIdentifier`` is accepted by the first two: ``default`` only (the fake has no other project).
"""

from __future__ import annotations

import re
from typing import Any
from typing import Callable
from urllib.parse import parse_qsl
from urllib.parse import unquote

from . import catalogue
from .control_plane import Checks
from .control_plane import ServiceError
from .control_plane import check_project
from .control_plane import error
from .control_plane import request_region
from .core import Reply
from .core import Request
from .core import Route
from .core import json_bytes

PROVIDER = re.compile(r"[A-Za-z0-9- ]{1,63}")
CUSTOMIZATIONS = ("FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION")
MODALITIES = ("TEXT", "IMAGE", "EMBEDDING")
INFERENCE_TYPES = ("ON_DEMAND", "PROVISIONED")
MODEL_IDENTIFIER = re.compile(
    r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/[a-z0-9-]{1,63}[.]{1}([a-z0-9-]{1,63}[.]){0,2}"
    r"[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2})|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})"
    r"([:][a-z0-9-]{1,63}){0,2})"
)
MODEL_ID = re.compile(
    r"[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}"
    r"(/[a-z0-9]{12}|)"
)
NOT_FOUND_MESSAGE = "Could not resolve the foundation model from the provided model identifier."
# Each filter: (query parameter, the summary member it looks in, the values the service takes).
_FILTERS = (
    ("byCustomizationType", "customizationsSupported", CUSTOMIZATIONS),
    ("byOutputModality", "outputModalities", MODALITIES),
    ("byInferenceType", "inferenceTypesSupported", INFERENCE_TYPES),
)


def list_models(query: dict[str, str], region: str) -> dict[str, Any]:
    """ListFoundationModels' answer to a query string, in ``region``."""
    checks = Checks()
    known = {"byProvider", "projectIdentifier", *(name for name, dummy, dummy in _FILTERS)}
    checks.unknown(query, known, "ListFoundationModels")
    if "byProvider" in query:
        checks.string(query["byProvider"], "byProvider", PROVIDER)
    for name, dummy, allowed in _FILTERS:
        if name in query:
            checks.enum(query[name], name, allowed)
    checks.raise_any()
    check_project(query)
    summaries = []
    for model in catalogue.MODELS:
        if not model.offered_in(region):
            continue
        summary = model.summary(region)
        provider = query.get("byProvider", "").lower()
        if provider and provider not in (model.provider.lower(), model.model_id.split(".", 1)[0]):
            continue
        if all(query[name] in summary[member] for name, member, dummy in _FILTERS if name in query):
            summaries.append(summary)
    return {"modelSummaries": summaries}


def get_model(identifier: str, query: dict[str, str], region: str) -> dict[str, Any]:
    """GetFoundationModel's answer for a model id or ARN, in ``region``."""
    checks = Checks()
    checks.string(identifier, "modelIdentifier", MODEL_IDENTIFIER, 1, 2048)
    checks.unknown(query, {"projectIdentifier"}, "GetFoundationModel")
    checks.raise_any()
    check_project(query)
    model_id = identifier
    parts = catalogue.parse_arn(identifier)
    if parts is not None:
        if parts[0] != region:
            raise error("ResourceNotFoundException", NOT_FOUND_MESSAGE)
        model_id = parts[3]
    model = catalogue.find_model(model_id)
    if model is None or not model.offered_in(region):
        raise error("ResourceNotFoundException", NOT_FOUND_MESSAGE)
    return {"modelDetails": model.summary(region)}


def availability(model_id: str, query: dict[str, str], region: str) -> dict[str, Any]:
    """GetFoundationModelAvailability's answer for a model id, in ``region``."""
    checks = Checks()
    checks.string(model_id, "modelId", MODEL_ID, 0, 140)
    checks.unknown(query, set(), "GetFoundationModelAvailability")
    checks.raise_any()
    model = catalogue.find_model(model_id)
    if model is None:
        raise error("ResourceNotFoundException", NOT_FOUND_MESSAGE)
    return model.availability(region)


def _answer(operation: str, request: Request) -> Reply:
    region = request_region(request.headers)
    query = dict(parse_qsl(request.query, keep_blank_values=True))
    try:
        if operation == "ListFoundationModels":
            return Reply(200, json_bytes(list_models(query, region)))
        identifier = unquote(request.match.group("model"))
        if operation == "GetFoundationModel":
            return Reply(200, json_bytes(get_model(identifier, query, region)))
        return Reply(200, json_bytes(availability(identifier, query, region)))
    except ServiceError as exc:
        return exc.reply()


def _api(operation: str) -> Callable[[Request], Reply]:
    return lambda request: _answer(operation, request)


_OPERATIONS = {
    "ListFoundationModels": r"^/foundation-models$",
    "GetFoundationModel": r"^/foundation-models/(?P<model>[^/]+)$",
    "GetFoundationModelAvailability": r"^/foundation-model-availability/(?P<model>[^/]+)$",
}
ROUTES = [Route("GET", re.compile(path), _api(name), name) for name, path in _OPERATIONS.items()]
