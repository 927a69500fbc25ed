# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inference profile family: bedrock_inference_profile and bedrock_inference_profile_info, which find, create,
tag and delete application inference profiles and read every profile; and the system-defined (cross-Region)
profiles that carry each foundation model, which the inference modules name when Bedrock refuses to run a model
on demand (ProfileHints, used by modules.py's failure path: so this file does not import modules.py).

Bedrock lists profiles one type at a time: ListInferenceProfiles without typeEquals lists the system-defined ones
only. Every listing here follows nextToken to the end, each call retried when Bedrock is busy (aws_retry=True on a
client of clients.retrying_client()). A profile cannot be changed but for its tags: Bedrock has no update
operation, and describes a profile by the models it carries, not by what it was copied from, so a profile is
compared with a task by those models. The options, their checks and the normal form are
inference_profile_options.py's.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import Mapping
from typing import Optional
from typing import Set
from typing import Tuple

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.amazon.ai.plugins.module_utils import inference_profile_options as options
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.tagging import ensure_tags
from ansible_collections.amazon.ai.plugins.module_utils.tagging import read_tags
from ansible_collections.amazon.ai.plugins.module_utils.tagging import tags_after
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

if TYPE_CHECKING:  # For the annotations only: modules.py imports this file.
    from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule

SYSTEM_DEFINED = "SYSTEM_DEFINED"
APPLICATION = "APPLICATION"
# The first boto3 with ListInferenceProfiles and GetInferenceProfile (system-defined profiles only), and the first
# with application profiles: CreateInferenceProfile, DeleteInferenceProfile and ListInferenceProfiles' typeEquals.
LIST_PROFILES_BOTO3 = "1.35.7"
APPLICATION_PROFILES_BOTO3 = "1.35.51"
MANAGE_API = (APPLICATION_PROFILES_BOTO3, "to manage Bedrock application inference profiles")
READ_API = (APPLICATION_PROFILES_BOTO3, "to read Bedrock application inference profiles")
# How many creates a task sends at most when Bedrock answers one with a deleted profile (see create_profile).
CREATE_SENDS = 3

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


def profile_hint(model_id: str, by_model: Mapping[str, List[str]]) -> str:
    """What a refusal of model_id on demand adds to its failure message: the profiles to ask instead, from
    system_profiles_by_model()'s mapping (by_model), or that none carries the model where the task runs."""
    profile_ids = by_model.get(model_id)
    if not profile_ids:
        return f"no system-defined inference profile in this Region carries {model_id}"
    return f"system-defined inference profiles that carry {model_id}: {', '.join(profile_ids)}"


class ProfileHints:
    """What the inference modules' failures add when Bedrock refused a model on demand: the profiles that carry it.

    make_client() builds a bedrock (control plane) client when the first such refusal is seen: the listing is made
    then, once for the task however many requests (in however many threads) were refused. When the boto3 cannot list
    profiles, or the listing fails, no failure gets a hint: each is left as it was.
    """

    def __init__(self, make_client: Callable[[], Any]) -> None:
        self._make_client = make_client
        self._lock = threading.Lock()
        self._by_model: Optional[Dict[str, List[str]]] = None
        self._listed = False

    def _profiles(self) -> Optional[Dict[str, List[str]]]:
        with self._lock:
            if not self._listed:
                self._listed = True
                try:
                    client = self._make_client()
                    if lists_inference_profiles(client):
                        self._by_model = system_profiles_by_model(client)
                except (BotoCoreError, ClientError):
                    self._by_model = None
            return self._by_model

    def for_error(self, error: BaseException) -> Optional[str]:
        """The hint for a failed call's error, or None: not an on-demand refusal, or the profiles are unknown."""
        if not isinstance(error, is_boto3_error_code("ValidationException", error)):
            return None
        model_id = refused_on_demand(str(error))
        by_model = self._profiles() if model_id is not None else None
        return None if model_id is None or by_model is None else profile_hint(model_id, by_model)


# Application profiles -------------------------------------------------------------------------------------------


def doing(progress: Progress, step: str, name: str) -> None:
    """Say what the task does now, for the message of an error that stops it."""
    progress.action = f"{step} (inference profile {name!r})"


def get_profile(client: Any, identifier: str) -> Dict[str, Any]:
    profile = client.get_inference_profile(aws_retry=True, inferenceProfileIdentifier=identifier)
    profile.pop("ResponseMetadata", None)
    return profile


def find_profile(client: Any, name: str) -> Optional[Dict[str, Any]]:
    """The application profile named exactly name in the client's Region, or None (Get takes no name: listed)."""
    return next((found for found in list_profiles(client, APPLICATION) if found["inferenceProfileName"] == name), None)


def source_models(client: Any, source: options.ModelSource) -> Tuple[str, List[str]]:
    """(the ARN copyFrom takes, the ARNs of the models a profile copied from it carries) for a model source."""
    if source.kind == options.FOUNDATION_MODEL:
        return source.identifier, [source.identifier]
    system = get_profile(client, source.identifier)
    if system.get("type") != SYSTEM_DEFINED:
        raise BedrockParameterError(
            f"model_source {source.identifier!r} is an application inference profile, which cannot be copied: give "
            "the foundation model or system-defined inference profile it copies"
        )
    return system["inferenceProfileArn"], [model["modelArn"] for model in system.get("models") or []]


def create_profile(client: Any, request: Mapping, replaces: Optional[str] = None) -> Dict[str, Any]:
    """Create a profile from request (with its client request token, options.profile_token()) and read it back.

    Bedrock may remember a token after the profile it made was deleted, and answer the same request again with that
    deleted profile: then the create is sent again with that profile's ARN in its token, up to CREATE_SENDS times.
    """
    answered = None
    sends = 0
    while True:
        sends += 1
        token = options.profile_token(request, replaces, answered)
        arn = client.create_inference_profile(aws_retry=True, clientRequestToken=token, **request)[
            "inferenceProfileArn"
        ]
        try:
            return get_profile(client, arn)
        except is_boto3_error_code("ResourceNotFoundException"):
            if sends >= CREATE_SENDS:
                raise
            answered = arn


def delete_profile(client: Any, arn: str) -> None:
    try:
        client.delete_inference_profile(aws_retry=True, inferenceProfileIdentifier=arn)
    except is_boto3_error_code("ResourceNotFoundException"):
        pass  # Deleted since it was read: what the task asks.


def absent(
    module: AnsibleAmazonAIModule, client: Any, profile: Optional[Mapping], progress: Progress
) -> Dict[str, Any]:
    if profile is None:
        return {"changed": False, "inference_profile": {}}
    name = profile["inferenceProfileName"]
    doing(progress, "read the profile's tags", name)
    before = options.normal_form(profile, read_tags(client, profile["inferenceProfileArn"]))
    result = {"changed": True, "inference_profile": {}, **module.diff(before, {})}
    if module.check_mode:
        return dict(result, msg=f"Would delete inference profile {name!r}")
    doing(progress, "delete the profile", name)
    delete_profile(client, profile["inferenceProfileArn"])
    return result


def present(
    module: AnsibleAmazonAIModule,
    client: Any,
    profile: Optional[Mapping],
    source: Optional[options.ModelSource],
    progress: Progress,
) -> Dict[str, Any]:
    params = module.params
    name = params["name"]
    if profile is None and source is None:
        raise BedrockParameterError(options.missing_source_problem(name, exists=False))
    tags: Dict[str, str] = {}
    if profile is not None:
        doing(progress, "read the profile's tags", name)
        tags = read_tags(client, profile["inferenceProfileArn"])
    source_arn, models = None, None
    if source is not None:
        doing(progress, f"read model_source {params['model_source']!r}", name)
        source_arn, models = source_models(client, source)
    current = options.normal_form(profile, tags)
    wanted = options.wanted_form(params, current, models, tags_after(tags, params["tags"], params["purge_tags"]))
    result = module.diff(current, wanted)
    differences = options.immutable_differences(current, wanted) if profile is not None else []
    if profile is not None and not differences:
        doing(progress, "tag the profile", name)
        arn = profile["inferenceProfileArn"]
        changed = ensure_tags(client, arn, tags, params["tags"], params["purge_tags"], module.check_mode)
        result.update(
            changed=changed, recreated=False, inference_profile=options.describe_profile(profile, wanted["tags"])
        )
        return result
    if differences and not params["recreate"]:
        raise BedrockParameterError(options.differences_problem(name, differences))
    if source_arn is None:
        raise BedrockParameterError(options.missing_source_problem(name, exists=True))
    replaces = None
    if profile is not None:
        replaces = profile["inferenceProfileArn"]
        if not module.check_mode:
            doing(progress, "delete the profile to create it again", name)
            delete_profile(client, replaces)
            result["replaced_inference_profile_arn"] = replaces
    result.update(make(module, client, wanted, source_arn, replaces, progress))
    return result


def make(
    module: AnsibleAmazonAIModule,
    client: Any,
    wanted: Mapping,
    source_arn: str,
    replaces: Optional[str],
    progress: Progress,
) -> Dict[str, Any]:
    """Create the profile of the wanted normal form, copying source_arn, in place of the profile of ARN replaces
    (deleted by now) if any; in check mode, say what would be done."""
    name = wanted["inference_profile_name"]
    result: Dict[str, Any] = {"changed": True, "recreated": replaces is not None}
    if module.check_mode:
        verb = "create" if replaces is None else "recreate"
        return dict(
            result, inference_profile=options.planned_profile(wanted), msg=f"Would {verb} inference profile {name!r}"
        )
    doing(progress, "create the profile", name)
    created = create_profile(client, options.build_create_request(wanted, source_arn), replaces)
    return dict(result, inference_profile=options.describe_profile(created, wanted["tags"]))


def manage_profile(module: AnsibleAmazonAIModule, progress: Progress) -> Dict[str, Any]:
    """bedrock_inference_profile's work: make the application profile named in the task exist as it asks, or not.

    Raises BedrockParameterError (the task cannot be done; no change was sent) and botocore's errors.
    """
    params = module.params
    progress.subject = options.task_subject(params)
    progress.action = "check the task"
    options.check_profile_params(params)
    require_boto3_for(module, gates=[], needs=[MANAGE_API])
    client = retrying_client(module, "bedrock")
    source = None
    if params["state"] == "present" and params.get("model_source") is not None:
        source = options.model_source(params["model_source"], client.meta.region_name, client.meta.partition)
    doing(progress, "look the profile up", params["name"])
    profile = find_profile(client, params["name"])
    if params["state"] == "absent":
        return absent(module, client, profile, progress)
    return present(module, client, profile, source, progress)


def profile_info(module: AnsibleAmazonAIModule, progress: Progress) -> Dict[str, Any]:
    """bedrock_inference_profile_info's work: one profile by name or identifier, or every profile of the types asked;
    application profiles with their tags."""
    params = module.params
    progress.action = "read Bedrock inference profiles"
    options.check_info_params(params)
    require_boto3_for(module, gates=[], needs=[READ_API])
    client = retrying_client(module, "bedrock")
    types = options.TYPES[params["type"]]
    if params.get("identifier"):
        try:
            profiles = [get_profile(client, params["identifier"])]
        except is_boto3_error_code("ResourceNotFoundException"):
            profiles = []
    else:
        profiles = [summary for profile_type in types for summary in list_profiles(client, profile_type)]
    name = params.get("name")
    found = [p for p in profiles if p.get("type") in types and (name is None or p.get("inferenceProfileName") == name)]
    described = []
    for profile in found:
        tags = read_tags(client, profile["inferenceProfileArn"]) if profile.get("type") == APPLICATION else None
        described.append(options.describe_profile(profile, tags))
    return {"changed": False, "inference_profiles": described}
