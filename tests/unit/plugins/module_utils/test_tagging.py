# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tags of Bedrock resources: tags and purge_tags as amazon.aws modules take them, calls checked by the Stubber."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import tagging
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator

ARN = "arn:aws:bedrock:us-east-1:123456789012:guardrail/abcdefgh1234"


@pytest.fixture(name="bedrock")
def fixture_bedrock(no_sleep):
    """(client, Stubber): a bedrock client retried as the modules' are, its calls checked against the service model."""
    client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, retry_decorator()), stubber
        stubber.assert_no_pending_responses()


def test_tags_options_are_amazon_aws_s():
    assert tagging.tags_options() == {
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    assert tagging.tags_options() is not tagging.tags_options()


def test_tag_lists_and_mappings():
    assert tagging.build_tag_list({"team": "ml", "cost": "1"}) == [
        {"key": "team", "value": "ml"},
        {"key": "cost", "value": "1"},
    ]
    assert tagging.build_tag_list(None) == []
    assert tagging.tag_dict([{"key": "team", "value": "ml"}]) == {"team": "ml"}
    assert tagging.tag_dict(None) == {}


def test_read_tags_retries_a_busy_answer(bedrock, no_sleep):
    client, stubber = bedrock
    stubber.add_client_error("list_tags_for_resource", "ThrottlingException", http_status_code=429)
    stubber.add_response("list_tags_for_resource", {"tags": [{"key": "team", "value": "ml"}]}, {"resourceARN": ARN})
    assert tagging.read_tags(client, ARN) == {"team": "ml"}
    assert len(no_sleep) == 1


CURRENT = {"team": "ml", "stage": "dev", "aws:cloudformation:stack-name": "s"}


@pytest.mark.parametrize(
    "tags, purge_tags, to_set, to_remove",
    [
        # Left unset: the resource's tags are left alone, whatever purge_tags says.
        (None, True, {}, []),
        (None, False, {}, []),
        ({"team": "ml", "stage": "dev"}, True, {}, []),
        ({"team": "search"}, True, {"team": "search"}, ["stage"]),
        ({"team": "search"}, False, {"team": "search"}, []),
        ({"owner": "me"}, False, {"owner": "me"}, []),
        # {} with purge_tags removes every tag but AWS's own.
        ({}, True, {}, ["team", "stage"]),
        ({}, False, {}, []),
    ],
)
def test_tag_changes_and_tags_after(tags, purge_tags, to_set, to_remove):
    found_set, found_remove = tagging.tag_changes(CURRENT, tags, purge_tags)
    assert (found_set, sorted(found_remove)) == (to_set, sorted(to_remove))
    after = tagging.tags_after(CURRENT, tags, purge_tags)
    expected = {key: value for key, value in CURRENT.items() if key not in to_remove}
    expected.update(to_set)
    assert after == expected


def test_ensure_tags_removes_then_sets(bedrock):
    client, stubber = bedrock
    stubber.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["stage"]})
    stubber.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "team", "value": "search"}]})
    assert tagging.ensure_tags(client, ARN, CURRENT, {"team": "search"}, True, check_mode=False) is True


def test_ensure_tags_only_adds_without_purge_tags(bedrock):
    client, stubber = bedrock
    stubber.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "owner", "value": "me"}]})
    assert tagging.ensure_tags(client, ARN, CURRENT, {"owner": "me"}, False, check_mode=False) is True


@pytest.mark.parametrize("tags", [None, {"team": "ml", "stage": "dev"}])
def test_ensure_tags_sends_nothing_when_nothing_changes(bedrock, tags):
    client, dummy = bedrock  # The Stubber fails any call it was not told of.
    assert tagging.ensure_tags(client, ARN, CURRENT, tags, True, check_mode=False) is False


def test_ensure_tags_in_check_mode_says_what_would_change_and_sends_nothing(bedrock):
    client, dummy = bedrock
    assert tagging.ensure_tags(client, ARN, CURRENT, {}, True, check_mode=True) is True
