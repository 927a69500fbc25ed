# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tags of Bedrock's resources (guardrails, inference profiles, batch jobs, ...), handled as amazon.aws modules do.

Bedrock's control plane takes tags as a list of {key, value} (ListTagsForResource, TagResource, UntagResource on
the resource's ARN); a task gives them as a mapping. `tags` left unset leaves a resource's tags alone; set, it is
what the resource's tags become, and with `purge_tags: false` only added to. amazon.aws's tagging helpers do the
converting and the comparing; these functions make the calls, never in check mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# The options as a resource module declares them (amazon.aws's tags doc fragment documents them).
TAGS_OPTIONS: Dict[str, Dict[str, Any]] = {
    "tags": {"type": "dict", "aliases": ["resource_tags"]},
    "purge_tags": {"type": "bool", "default": True},
}


def tags_options() -> Dict[str, Dict[str, Any]]:
    """A fresh copy of TAGS_OPTIONS for an argument spec."""
    return {name: dict(spec) for name, spec in TAGS_OPTIONS.items()}


def build_tag_list(tags: Optional[Mapping]) -> List[Dict[str, str]]:
    """Tags as Bedrock takes them in a request: [{"key": ..., "value": ...}] (empty for none)."""
    return ansible_dict_to_boto3_tag_list(tags or {}, "key", "value")


def tag_dict(tag_list: Optional[List[Mapping]]) -> Dict[str, str]:
    """Bedrock's [{"key": ..., "value": ...}] as a mapping (empty for none)."""
    return boto3_tag_list_to_ansible_dict(tag_list or [], "key", "value")


def read_tags(client: Any, arn: str) -> Dict[str, str]:
    """The resource's tags as a mapping (ListTagsForResource, retried when Bedrock is busy)."""
    return tag_dict(client.list_tags_for_resource(aws_retry=True, resourceARN=arn).get("tags"))


def tag_changes(current: Mapping, tags: Optional[Mapping], purge_tags: bool) -> Tuple[Dict[str, str], List[str]]:
    """(tags to set, keys to remove) to make current what the task asks; nothing when tags is None.

    Tags AWS reserves (aws:*) are never removed.
    """
    if tags is None:
        return {}, []
    return compare_aws_tags(dict(current), dict(tags), purge_tags)


def tags_after(current: Mapping, tags: Optional[Mapping], purge_tags: bool) -> Dict[str, str]:
    """The resource's tags once the task's changes are made: the `after` of a --diff."""
    to_set, to_remove = tag_changes(current, tags, purge_tags)
    after = {key: value for key, value in current.items() if key not in to_remove}
    after.update(to_set)
    return after


def ensure_tags(
    client: Any, arn: str, current: Mapping, tags: Optional[Mapping], purge_tags: bool, check_mode: bool
) -> bool:
    """Make the resource's tags (current, as read) what the task asks; returns whether anything changes.

    In check mode nothing is sent. Keys are removed first (UntagResource), then tags set (TagResource).
    """
    to_set, to_remove = tag_changes(current, tags, purge_tags)
    if not to_set and not to_remove:
        return False
    if check_mode:
        return True
    if to_remove:
        client.untag_resource(aws_retry=True, resourceARN=arn, tagKeys=to_remove)
    if to_set:
        client.tag_resource(aws_retry=True, resourceARN=arn, tags=build_tag_list(to_set))
    return True
