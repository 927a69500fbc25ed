# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Inference profiles: the application profiles bedrock_inference_profile manages and its _info module reads, and
the system-defined (cross-Region) profiles that carry each foundation model, which the inference modules name when
Bedrock refuses to run a model on demand.

Bedrock lists profiles one type at a time: ListInferenceProfiles without typeEquals lists the system-defined ones
only. Every listing here follows nextToken to the end, each page retried when Bedrock is busy (aws_retry=True on a
client of clients.retrying_client()).
"""

from __future__ import annotations

import re
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional
from typing import Set

SYSTEM_DEFINED = "SYSTEM_DEFINED"
APPLICATION = "APPLICATION"
# The first boto3 with ListInferenceProfiles and GetInferenceProfile (system-defined profiles only), and the first
# with application profiles: CreateInferenceProfile, DeleteInferenceProfile and ListInferenceProfiles' typeEquals.
LIST_PROFILES_BOTO3 = "1.35.7"
APPLICATION_PROFILES_BOTO3 = "1.35.51"

_FOUNDATION_MODEL = "foundation-model/"
# Bedrock's refusal of a model that cannot run on demand, as the runtime words it (with a straight or a typographic
# apostrophe): "Invocation of model ID <id> with on-demand throughput isn't supported. Retry your request with the
# ID or ARN of an inference profile that contains this model."
_ON_DEMAND_REFUSAL = re.compile(r"model ID (\S+) with on-demand throughput isn['\u2019]t supported")


def model_id_of(model: str) -> str:
    """The foundation model id of a model ARN (arn:...:foundation-model/ID), or model itself when it is no such ARN."""
    head, found, tail = model.partition(_FOUNDATION_MODEL)
    return tail if found and head.startswith("arn:") else model


def lists_inference_profiles(client: Any) -> bool:
    """Whether the client's boto3 has ListInferenceProfiles (boto3 >= LIST_PROFILES_BOTO3)."""
    return "ListInferenceProfiles" in client.meta.service_model.operation_names


def _filters_by_type(client: Any) -> bool:
    # typeEquals came with application profiles (boto3 >= APPLICATION_PROFILES_BOTO3).
    operation = client.meta.service_model.operation_model("ListInferenceProfiles")
    return "typeEquals" in operation.input_shape.members


def list_profiles(client: Any, profile_type: str) -> Iterator[Dict[str, Any]]:
    """Every inference profile summary of profile_type (SYSTEM_DEFINED or APPLICATION), page after page to the end.

    A boto3 older than typeEquals lists without it, which Bedrock answers with the system-defined profiles only; a
    summary of another type than asked is skipped whatever Bedrock sends.
    """
    params: Dict[str, Any] = {}
    if _filters_by_type(client):
        params["typeEquals"] = profile_type
    elif profile_type != SYSTEM_DEFINED:
        raise ValueError(f"listing {profile_type} inference profiles needs boto3 >= {APPLICATION_PROFILES_BOTO3}")
    while True:
        page = client.list_inference_profiles(aws_retry=True, **params)
        for summary in page.get("inferenceProfileSummaries") or []:
            if summary.get("type", SYSTEM_DEFINED) == profile_type:
                yield summary
        token = page.get("nextToken")
        if not token:
            return
        params["nextToken"] = token


def system_profiles_by_model(client: Any) -> Dict[str, List[str]]:
    """Each foundation model id mapped to the sorted ids of the system-defined inference profiles that carry it.

    Reads every page of ListInferenceProfiles (typeEquals=SYSTEM_DEFINED), retried when Bedrock is busy, so client
    is a bedrock (control plane) client of clients.retrying_client() from a boto3 >= LIST_PROFILES_BOTO3
    (lists_inference_profiles() says). The profiles are those seen from the client's Region; a model that no
    system-defined profile carries is not in the mapping. Raises botocore's errors as the calls do.
    """
    by_model: Dict[str, Set[str]] = {}
    for summary in list_profiles(client, SYSTEM_DEFINED):
        for model in summary.get("models") or []:
            by_model.setdefault(model_id_of(model["modelArn"]), set()).add(summary["inferenceProfileId"])
    return {model_id: sorted(profile_ids) for model_id, profile_ids in sorted(by_model.items())}


def refused_on_demand(message: str) -> Optional[str]:
    """The model id of Bedrock's "on-demand throughput isn't supported" refusal in message, or None for any other."""
    match = _ON_DEMAND_REFUSAL.search(message)
    return model_id_of(match.group(1)) if match else None


def profile_hint(model_id: str, by_model: Dict[str, List[str]]) -> str:
    """What a refusal of model_id on demand adds to its failure message: the profiles to ask instead, from
    system_profiles_by_model()'s mapping (by_model), or that none carries the model where the task runs."""
    profile_ids = by_model.get(model_id)
    if not profile_ids:
        return f"no system-defined inference profile in this Region carries {model_id}"
    return f"system-defined inference profiles that carry {model_id}: {', '.join(profile_ids)}"
