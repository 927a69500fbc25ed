# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Foundation models: what bedrock_foundation_models_info lists (ListFoundationModels, or GetFoundationModel for one
model), with the system-defined inference profiles that carry each (inference_profile.py) and each model's
availability to the account (GetFoundationModelAvailability, one call per model, sent concurrently).

A model is returned as the service describes it, its keys in snake_case and its values untouched (an inference type
botocore's enum lacks, such as INFERENCE_PROFILE, passes through), with model_lifecycle_status beside it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.common import check_name
from ansible_collections.amazon.ai.plugins.module_utils.inference_profile import LIST_PROFILES_BOTO3
from ansible_collections.amazon.ai.plugins.module_utils.inference_profile import system_profiles_by_model
from ansible_collections.amazon.ai.plugins.module_utils.sending import AdaptiveLimiter
from ansible_collections.amazon.ai.plugins.module_utils.sending import run_concurrently
from ansible_collections.amazon.ai.plugins.module_utils.sending import send_within
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.versions import Gate
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

# Each filter: its option, ListFoundationModels' query member, the values the API takes (None: a provider name).
FILTERS = (
    ("provider", "byProvider", None),
    ("customization_type", "byCustomizationType", ("FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION")),
    ("output_modality", "byOutputModality", ("TEXT", "IMAGE", "EMBEDDING")),
    ("inference_type", "byInferenceType", ("ON_DEMAND", "PROVISIONED")),
)
# botocore's bedrock model: Provider, and GetFoundationModelIdentifier (a model id or a foundation model's ARN).
PROVIDER_PATTERN = re.compile(r"[A-Za-z0-9- ]{1,63}")
MAX_PROVIDER_LENGTH = 63
MAX_MODEL_IDENTIFIER_LENGTH = 2048
MODEL_IDENTIFIER_PATTERN = re.compile(
    r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/[a-z0-9-]{1,63}[.]{1}([a-z0-9-]{1,63}[.]){0,2}"
    r"[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2})|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})"
    r"([:][a-z0-9-]{1,63}){0,2})"
)
# The first boto3 release with each operation an option calls: ListInferenceProfiles, GetFoundationModelAvailability.
GATES: List[Gate] = [
    ("include_inference_profiles", None, LIST_PROFILES_BOTO3),
    ("include_availability", None, "1.38.43"),
]
# At most this many availability calls at once: within botocore's default pool of 10 connections a client.
AVAILABILITY_CONCURRENCY = 8


def foundation_models_argument_spec() -> Dict[str, Any]:
    """bedrock_foundation_models_info's options (its action plugin derives its checks from them too).

    The upstream collection's names of the filters (by_provider, ...) are aliases, so that its tasks run unchanged.
    """
    spec: Dict[str, Any] = {"model_id": {"type": "str"}}
    for option, dummy, choices in FILTERS:
        spec[option] = {"type": "str", "aliases": [f"by_{option}"]}
        if choices:
            spec[option]["choices"] = list(choices)
    spec["include_inference_profiles"] = {"type": "bool", "default": False}
    spec["include_availability"] = {"type": "bool", "default": False}
    return spec


def foundation_models_mutually_exclusive() -> List[List[str]]:
    """model_id describes one model: no filter goes with it."""
    return [["model_id", option] for option, dummy, dummy in FILTERS]


def check_foundation_models_options(params: Mapping) -> None:
    """Refuse, naming the option, a model id or provider name Bedrock would refuse; nothing is sent before this."""
    if params.get("model_id") is not None:
        check_name(
            "model_id",
            params["model_id"],
            MODEL_IDENTIFIER_PATTERN,
            MAX_MODEL_IDENTIFIER_LENGTH,
            "foundation model id",
            "an id such as amazon.nova-lite-v1:0, or the ARN of a foundation model",
        )
    if params.get("provider") is not None:
        check_name(
            "provider",
            params["provider"],
            PROVIDER_PATTERN,
            MAX_PROVIDER_LENGTH,
            "provider name",
            "1 to 63 letters, digits, spaces and '-'",
        )


def build_list_models_request(params: Mapping) -> Dict[str, str]:
    """ListFoundationModels' parameters for the filters the task sets."""
    return {member: params[option] for option, member, dummy in FILTERS if params.get(option) is not None}


def build_model_result(summary: Mapping) -> Dict[str, Any]:
    """A model summary or details in snake_case (times as ISO 8601 text), with model_lifecycle_status beside."""
    model = camel_dict_to_snake_dict(normalize_boto3_result(dict(summary)))
    lifecycle = model.get("model_lifecycle")
    if isinstance(lifecycle, Mapping) and "status" in lifecycle:
        model["model_lifecycle_status"] = lifecycle["status"]
    return model


def build_availability_result(reply: Mapping) -> Dict[str, Any]:
    """GetFoundationModelAvailability's answer in snake_case, without the model id it repeats."""
    fields = {key: value for key, value in reply.items() if key not in ("modelId", "ResponseMetadata")}
    return camel_dict_to_snake_dict(fields)


def add_inference_profiles(models: List[Dict[str, Any]], by_model: Mapping[str, Sequence[str]]) -> None:
    """Give each model the ids of the system-defined profiles that carry it (inference_profile's mapping)."""
    for model in models:
        model["inference_profiles"] = list(by_model.get(model.get("model_id"), []))


def read_availabilities(client: Any, model_ids: Sequence[str]) -> List[Dict[str, Any]]:
    """GetFoundationModelAvailability of each model id, in their order: at most AVAILABILITY_CONCURRENCY at once,
    each retried with the collection's backoff (sending.py), fewer at once while Bedrock throttles."""
    limiter = AdaptiveLimiter(AVAILABILITY_CONCURRENCY)

    def read(index: int) -> Dict[str, Any]:
        call = functools.partial(client.get_foundation_model_availability, modelId=model_ids[index])
        return build_availability_result(send_within(limiter, call, []))

    return run_concurrently(read, len(model_ids), AVAILABILITY_CONCURRENCY)


def _read_models(client: Any, params: Mapping) -> List[Mapping]:
    model_id: Optional[str] = params.get("model_id")
    if model_id is None:
        return client.list_foundation_models(aws_retry=True, **build_list_models_request(params))["modelSummaries"]
    try:
        return [client.get_foundation_model(modelIdentifier=model_id, aws_retry=True)["modelDetails"]]
    except is_boto3_error_code("ResourceNotFoundException"):
        return []


def foundation_models_info(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_foundation_models_info's work: the models the task asks for, with what its options add."""
    params = module.params
    check_foundation_models_options(params)
    require_boto3_for(module, params, gates=GATES)
    client = retrying_client(module, "bedrock")
    progress.action = "read Bedrock foundation models"
    models = [build_model_result(summary) for summary in _read_models(client, params)]
    if params.get("include_inference_profiles") and models:
        progress.action = "list Bedrock's system-defined inference profiles"
        add_inference_profiles(models, system_profiles_by_model(client))
    if params.get("include_availability") and models:
        progress.action = "read the availability of Bedrock foundation models"
        for model, availability in zip(models, read_availabilities(client, [m["model_id"] for m in models])):
            model["availability"] = availability
    return {"changed": False, "models": models}
