# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What amazon.ai's guardrail modules do with AWS: find a guardrail by name, create, update, version and delete it,
wait for it, tag it, and describe it.

The decisions are guardrail_config.py's pure functions: a write is sent only when the task's wishes, laid over what
the guardrail has, differ from it in the normal form; a version only when the DRAFT differs from the newest one.
Every call is retried with the collection's backoff while Bedrock is busy (clients.retrying_client), waiting polls
gently (waiting.wait_for), and tags are handled as amazon.aws modules handle them (tagging.py).
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.amazon.ai.plugins.module_utils import guardrail_config as config
from ansible_collections.amazon.ai.plugins.module_utils import guardrail_options as options
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail_identifier
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail_version
from ansible_collections.amazon.ai.plugins.module_utils.common import check_tags
from ansible_collections.amazon.ai.plugins.module_utils.common import client_request_token
from ansible_collections.amazon.ai.plugins.module_utils.tagging import build_tag_list
from ansible_collections.amazon.ai.plugins.module_utils.tagging import ensure_tags
from ansible_collections.amazon.ai.plugins.module_utils.tagging import read_tags
from ansible_collections.amazon.ai.plugins.module_utils.tagging import tags_after
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for
from ansible_collections.amazon.ai.plugins.module_utils.waiting import WaitTimeout
from ansible_collections.amazon.ai.plugins.module_utils.waiting import wait_for

GUARDRAIL_API = (options.GUARDRAILS_BOTO3, "to manage Bedrock guardrails")
# A create (or version) whose token Bedrock answers with a guardrail (or version) deleted since is sent once more,
# with a token of its own.
TOKEN_TRIES = 2
PAGE_SIZE = 1000


# Reading ----------------------------------------------------------------------------------------------------------


def list_guardrails(client: Any, identifier: Optional[str] = None) -> List[Dict[str, Any]]:
    """ListGuardrails to its last page: the DRAFT of every guardrail, or with identifier its DRAFT and versions."""
    found: List[Dict[str, Any]] = []
    query: Dict[str, Any] = {"maxResults": PAGE_SIZE}
    if identifier:
        query["guardrailIdentifier"] = identifier
    while True:
        page = client.list_guardrails(aws_retry=True, **query)
        found.extend(page.get("guardrails") or [])
        if not page.get("nextToken"):
            return found
        query["nextToken"] = page["nextToken"]


def find_guardrail(client: Any, name: str) -> Optional[Dict[str, Any]]:
    """The ListGuardrails summary of the guardrail named name (names are unique), or None."""
    return next((summary for summary in list_guardrails(client) if summary.get("name") == name), None)


def get_guardrail(client: Any, identifier: str, version: Optional[str] = None) -> Dict[str, Any]:
    query = {"guardrailVersion": version} if version else {}
    answer = client.get_guardrail(aws_retry=True, guardrailIdentifier=identifier, **query)
    answer.pop("ResponseMetadata", None)
    return answer


def published_versions(client: Any, guardrail_id: str) -> List[Dict[str, Any]]:
    """The summaries of a guardrail's numbered versions, oldest first."""
    versions = [s for s in list_guardrails(client, guardrail_id) if s.get("version") != "DRAFT"]
    return sorted(versions, key=lambda summary: config.version_number(summary.get("version")))


def resolve_kms_alias(module: Any, alias: str, progress: Progress) -> Optional[str]:
    """The ARN of the key an alias stands for (kms:DescribeKey), or None with a warning when KMS does not say."""
    try:
        key = retrying_client(module, "kms").describe_key(aws_retry=True, KeyId=alias)
        return key["KeyMetadata"]["Arn"]
    except (BotoCoreError, ClientError, KeyError) as e:
        progress.warnings.append(
            f"Could not tell whether kms_key_id {alias!r} is the guardrail's key (kms:DescribeKey: {e}); the key is "
            "left as it is. Give the key's ID or ARN to compare them."
        )
        return None


# Waiting ----------------------------------------------------------------------------------------------------------


def _describe(answer: Mapping) -> str:
    version = answer.get("version")
    what = f"Guardrail {answer.get('name')!r}" + (f" version {version}" if version not in (None, "DRAFT") else "")
    return f"{what} is still {answer.get('status')}"


def wait_settled(client: Any, answer: Dict[str, Any], timeout: float, result: Dict[str, Any]) -> Dict[str, Any]:
    """Poll the guardrail (or version) of answer until no change is under way; TaskFailure when the timeout ends."""
    if answer.get("status") not in options.TRANSITIONS:
        return answer

    def read() -> Dict[str, Any]:
        return get_guardrail(client, answer["guardrailId"], answer.get("version"))

    try:
        return wait_for(read, lambda seen: seen.get("status") not in options.TRANSITIONS, answer, timeout, _describe)
    except WaitTimeout as e:
        raise TaskFailure(e.msg, result) from None


def check_ready(answer: Mapping, result: Dict[str, Any]) -> None:
    """TaskFailure for a guardrail (or version) that ended FAILED, with Bedrock's reasons and recommendations."""
    if answer.get("status") != "FAILED":
        return
    reasons = " ".join(answer.get("statusReasons") or []) or "Bedrock gives no reason."
    advice = " ".join(answer.get("failureRecommendations") or [])
    what = _describe(answer).replace(" is still FAILED", "")
    raise TaskFailure(f"{what} is FAILED: {reasons}" + (f" Bedrock recommends: {advice}" if advice else ""), result)


def wait_gone(client: Any, answer: Mapping, timeout: float) -> None:
    """Poll a guardrail being deleted until GetGuardrail no longer finds it."""

    def read() -> Optional[Dict[str, Any]]:
        try:
            return get_guardrail(client, answer["guardrailId"])
        except is_boto3_error_code("ResourceNotFoundException"):
            return None

    wait_for(read, lambda seen: seen is None, dict(answer), timeout, lambda seen: _describe(seen or answer))


# Writing ----------------------------------------------------------------------------------------------------------


def _fresh_token(token: str, stale: str) -> str:
    return client_request_token({"token": token, "answered_with_deleted": stale})


def create_guardrail(client: Any, request: Mapping, token: str) -> Dict[str, Any]:
    """CreateGuardrail with a token derived from the task; the new guardrail as GetGuardrail shows it.

    The same token makes Bedrock answer a repeated create with the guardrail the first one made. A token already
    used by a create whose guardrail was deleted since gets that guardrail's ID back: then the create is sent again
    with a token of its own.
    """
    for attempt in range(TOKEN_TRIES):
        created = client.create_guardrail(aws_retry=True, clientRequestToken=token, **request)
        try:
            return get_guardrail(client, created["guardrailId"])
        except is_boto3_error_code("ResourceNotFoundException"):
            if attempt + 1 == TOKEN_TRIES:
                raise
            token = _fresh_token(token, created["guardrailId"])
    raise AssertionError("unreachable")


def create_version(client: Any, draft: Mapping, description: Optional[str], newest: Optional[str]) -> Dict[str, Any]:
    """CreateGuardrailVersion of the DRAFT as read; the new version as GetGuardrail shows it.

    Its token is derived from the DRAFT (its ARN and when it last changed), the newest version and the description,
    so a repeated request publishes nothing twice; a token answered with a deleted version is replaced as above.
    """
    fields = {"guardrail": draft["guardrailArn"], "draft": str(draft.get("updatedAt")), "newest": newest}
    token = client_request_token(dict(fields, description=description))
    request = {"description": description} if description else {}
    for attempt in range(TOKEN_TRIES):
        created = client.create_guardrail_version(
            aws_retry=True, guardrailIdentifier=draft["guardrailId"], clientRequestToken=token, **request
        )
        try:
            return get_guardrail(client, draft["guardrailId"], created["version"])
        except is_boto3_error_code("ResourceNotFoundException"):
            if attempt + 1 == TOKEN_TRIES:
                raise
            token = _fresh_token(token, created["version"])
    raise AssertionError("unreachable")


# The module -------------------------------------------------------------------------------------------------------


def check_guardrail_params(params: Mapping) -> Dict[str, Any]:
    """The task's wishes in the normal form, once every option is checked (BedrockParameterError otherwise)."""
    if params["state"] == "absent" and params.get("publish_version"):
        raise BedrockParameterError("publish_version cannot be used with state=absent, which deletes every version")
    wanted = config.wanted_config(params)
    check_tags(params.get("tags"), what="a guardrail")
    if params.get("version_description") is not None:
        options.DESCRIPTION.normal(params["version_description"], "version_description", True)
    if params.get("wait_timeout", 0) < 0:
        raise BedrockParameterError(f"wait_timeout must be 0 or more seconds, not {params['wait_timeout']}")
    return wanted


class Run:
    """One run of bedrock_guardrail: the module, its client, what it found and what it has done."""

    def __init__(self, module: Any, progress: Progress) -> None:
        self.module = module
        self.params = module.params
        self.progress = progress
        self.name = self.params["name"]
        self.client: Any = None
        self.result: Dict[str, Any] = {"changed": False, "guardrail": {}}

    def doing(self, step: str) -> None:
        self.progress.action = f"{step} (guardrail {self.name!r})"

    def diff(self, before: Mapping, after: Mapping) -> None:
        self.result.update(self.module.diff(dict(before), dict(after)))


def manage_guardrail(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_guardrail's work: make the guardrail named in the task match it (or be gone), publish a version if
    asked, and return it.

    Raises BedrockParameterError (nothing sent), TaskFailure (the guardrail FAILED, or the wait ran out) and
    botocore's errors.
    """
    run = Run(module, progress)
    params = run.params
    progress.subject = options.task_subject(params)
    run.doing("check the task")
    wanted = check_guardrail_params(params)
    # What the task sends needs this boto3 whatever the guardrail has: checked before anything is sent.
    needs = config.guardrail_boto3_needs(config.build_guardrail_request(config.merge_config({}, wanted)))
    require_boto3_for(module, gates=[], needs=[GUARDRAIL_API, *needs])
    run.client = retrying_client(module, "bedrock")
    run.doing("look the guardrail up")
    summary = find_guardrail(run.client, run.name)
    answer = get_guardrail(run.client, summary["id"]) if summary else None
    if answer is not None and answer.get("status") == "DELETING":
        run.doing("wait for the guardrail's deletion")
        wait_gone(run.client, answer, params["wait_timeout"])
        answer = None
    if params["state"] == "absent":
        return delete(run, answer)
    if answer is None:
        return create(run, wanted)
    return update(run, answer, wanted)


def _config_with_tags(config_form: Mapping, tags: Mapping) -> Dict[str, Any]:
    return dict(config_form, tags=dict(tags))


def delete(run: Run, answer: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    if answer is None:
        return run.result
    run.doing("read the guardrail's tags")
    tags = read_tags(run.client, answer["guardrailArn"])
    run.diff(_config_with_tags(config.described_config(answer), tags), {})
    run.result["changed"] = True
    if run.module.check_mode:
        return run.result
    run.doing("delete the guardrail")
    answer = wait_settled(run.client, answer, run.params["wait_timeout"], run.result)
    run.client.delete_guardrail(aws_retry=True, guardrailIdentifier=answer["guardrailId"])
    if run.params["wait"]:
        run.doing("wait for the guardrail's deletion")
        try:
            wait_gone(run.client, answer, run.params["wait_timeout"])
        except WaitTimeout as e:
            raise TaskFailure(e.msg, run.result) from None
    return run.result


def create(run: Run, wanted: Mapping) -> Dict[str, Any]:
    params = run.params
    merged = config.merge_config({}, wanted)
    config.check_config(merged, creating=True)
    tags = dict(params.get("tags") or {})
    run.diff({}, _config_with_tags(merged, tags))
    run.result["changed"] = True
    if run.module.check_mode:
        run.result["guardrail"] = dict(merged, tags=tags, versions=[])
        return run.result
    run.doing("create the guardrail")
    request = config.build_guardrail_request(merged)
    if tags:
        request["tags"] = build_tag_list(tags)
    answer = create_guardrail(run.client, request, client_request_token(request))
    return finish(run, answer, tags, [])


def _align_kms_key(run: Run, wanted: Dict[str, Any], current: Mapping) -> None:
    """Give the task's KMS key the ARN the guardrail shows when they name the same key."""
    given, arn = wanted.get("kms_key_id"), current.get("kms_key_id")
    if not given or not arn:
        return
    resolved = None
    if "alias/" in given:
        run.doing("look the KMS alias up")
        resolved = resolve_kms_alias(run.module, given, run.progress)
    same = config.same_kms_key(given, arn, resolved)
    if same or (same is None and resolved is None):
        wanted["kms_key_id"] = arn


def update(run: Run, answer: Dict[str, Any], wanted: Dict[str, Any]) -> Dict[str, Any]:
    params = run.params
    current = config.described_config(answer)
    _align_kms_key(run, wanted, current)
    merged = config.merge_config(current, wanted)
    config.check_config(merged, creating=False)
    run.doing("read the guardrail's tags and versions")
    tags = read_tags(run.client, answer["guardrailArn"])
    new_tags = tags_after(tags, params.get("tags"), params["purge_tags"])
    versions = published_versions(run.client, answer["guardrailId"])
    run.diff(_config_with_tags(current, tags), _config_with_tags(merged, new_tags))
    # A guardrail whose last change FAILED does not have the configuration it shows: it is sent again.
    if config.config_differences(current, merged) or answer.get("status") == "FAILED":
        run.result["changed"] = True
        if not run.module.check_mode:
            answer = send_update(run, answer, merged, versions)
    run.doing("tag the guardrail")
    if ensure_tags(
        run.client, answer["guardrailArn"], tags, params.get("tags"), params["purge_tags"], run.module.check_mode
    ):
        run.result["changed"] = True
    shown = merged if run.module.check_mode else None
    return finish(run, answer, new_tags, versions, shown)


def send_update(run: Run, answer: Dict[str, Any], merged: Mapping, versions: List[Dict[str, Any]]) -> Dict[str, Any]:
    """UpdateGuardrail with the whole merged configuration, once no change of the guardrail is under way."""
    timeout = run.params["wait_timeout"]
    run.doing("wait for the guardrail's last change")
    for summary in versions:
        if summary.get("status") in options.TRANSITIONS:
            wait_settled(run.client, get_guardrail(run.client, summary["id"], summary["version"]), timeout, run.result)
    answer = wait_settled(run.client, answer, timeout, run.result)
    run.doing("update the guardrail")
    run.client.update_guardrail(
        aws_retry=True, guardrailIdentifier=answer["guardrailId"], **config.build_guardrail_request(merged)
    )
    return get_guardrail(run.client, answer["guardrailId"])


def finish(
    run: Run,
    answer: Dict[str, Any],
    tags: Mapping,
    versions: List[Dict[str, Any]],
    shown: Optional[Mapping] = None,
) -> Dict[str, Any]:
    """Wait for the guardrail if asked, publish a version if asked, and put the guardrail in the result."""
    params = run.params
    numbers = [summary["version"] for summary in versions]
    run.result["guardrail"] = config.build_guardrail_result(answer, tags, numbers, shown)
    if run.result["changed"] and not run.module.check_mode and (params["wait"] or params["publish_version"]):
        run.doing("wait for the guardrail")
        answer = wait_settled(run.client, answer, params["wait_timeout"], run.result)
        run.result["guardrail"] = config.build_guardrail_result(answer, tags, numbers)
        check_ready(answer, run.result)
    if params["publish_version"]:
        published = publish(run, answer, versions, shown)
        if published is not None:
            run.result["published_version"] = published
            if published not in numbers:
                numbers.append(published)
        run.result["guardrail"] = config.build_guardrail_result(answer, tags, numbers, shown)
    return run.result


def publish(run: Run, draft: Dict[str, Any], versions: List[Dict[str, Any]], shown: Optional[Mapping]) -> Optional[str]:
    """The version matching the DRAFT: the newest when it does already, else one published now (None in check mode)."""
    run.doing("compare the guardrail with its newest version")
    draft_config = shown if shown is not None else config.described_config(draft)
    newest = versions[-1]["version"] if versions else None
    if newest is not None:
        version_config = config.described_config(get_guardrail(run.client, draft["guardrailId"], newest))
        if not config.config_differences(draft_config, version_config, ignore=config.NOT_VERSIONED):
            return newest
    run.result["changed"] = True
    if run.module.check_mode:
        return None
    run.doing("publish a version of the guardrail")
    version = create_version(run.client, draft, run.params.get("version_description"), newest)
    if run.params["wait"]:
        run.doing("wait for the guardrail's new version")
        version = wait_settled(run.client, version, run.params["wait_timeout"], run.result)
        check_ready(version, run.result)
    return version["version"]


# The info module --------------------------------------------------------------------------------------------------


def check_info_params(params: Mapping) -> None:
    identifier, version = params.get("guardrail_identifier"), params.get("version")
    if identifier is not None:
        check_guardrail_identifier(identifier)
    if params.get("name") is not None:
        options.NAME.normal(params["name"], "name", True)
    if version is not None:
        check_guardrail_version(version, "version")
        if params.get("name") is None and identifier is None:
            raise BedrockParameterError("version needs name or guardrail_identifier, to say whose version")


def describe_guardrail(client: Any, identifier: str, version: Optional[str]) -> Optional[Dict[str, Any]]:
    """A guardrail (or one of its versions) shaped as bedrock_guardrail returns it, or None when there is none."""
    try:
        answer = get_guardrail(client, identifier, version)
        numbers = [summary["version"] for summary in published_versions(client, answer["guardrailId"])]
        tags = read_tags(client, answer["guardrailArn"])
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    return config.build_guardrail_result(answer, tags, numbers)


def describe_guardrails(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_guardrail_info's work: the guardrail the task names (or every one), described."""
    params = module.params
    progress.subject = options.task_subject(params)
    check_info_params(params)
    require_boto3_for(module, gates=[], needs=[GUARDRAIL_API])
    client = retrying_client(module, "bedrock")
    progress.action = "list guardrails"
    if params.get("guardrail_identifier"):
        identifiers = [params["guardrail_identifier"]]
    else:
        summaries = list_guardrails(client)
        if params.get("name") is not None:
            summaries = [summary for summary in summaries if summary.get("name") == params["name"]]
        identifiers = [summary["id"] for summary in summaries]
    guardrails = []
    for identifier in identifiers:
        progress.action = f"describe guardrail {identifier!r}"
        described = describe_guardrail(client, identifier, params.get("version"))
        if described is not None:
            guardrails.append(described)
    return {"changed": False, "guardrails": guardrails}
