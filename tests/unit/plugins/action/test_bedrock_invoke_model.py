# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.amazon.ai.plugins.action import bedrock_invoke_model as action
from ansible_collections.amazon.ai.plugins.action import bedrock_invoke_models as many_action


def test_connection_options_match_amazon_aws():
    spec = aws_argument_spec()
    assert {name: tuple(option.get("aliases", ())) for name, option in spec.items()} == action.CONNECTION_OPTIONS


@pytest.mark.parametrize(
    "module_defaults, expected",
    [
        (None, {}),
        ([], {}),
        (
            [{"group/amazon.aws.aws": {"region": "eu-west-1", "wait": True, "tags": {"a": "b"}}}],
            {"region": "eu-west-1"},
        ),
        (
            [{"group/ansible.builtin.aws": {"aws_profile": "ml", "endpoint_url": "http://x"}}],
            {"aws_profile": "ml", "endpoint_url": "http://x"},
        ),
        ([{"group/community.aws.aws": {"validate_certs": False}}], {"validate_certs": False}),
        # Later module_defaults entries replace earlier ones for the same group, as Ansible merges them.
        (
            [{"group/amazon.aws.aws": {"region": "us-east-1"}}, {"group/amazon.aws.aws": {"region": "us-west-2"}}],
            {"region": "us-west-2"},
        ),
        # Other groups and modules' own defaults are applied by Ansible itself, not here.
        ([{"group/amazon.ai.aws": {"region": "x"}, "amazon.aws.s3_bucket": {"region": "y"}}], {}),
        ([{"group/amazon.aws.aws": "not a mapping"}], {}),
    ],
)
def test_aws_group_defaults(module_defaults, expected):
    assert action.aws_group_defaults(module_defaults) == expected


@pytest.mark.parametrize(
    "args, defaults, expected",
    [
        ({"model_id": "m"}, {}, {}),
        ({"model_id": "m"}, {"region": "eu-west-1"}, {"region": "eu-west-1"}),
        # A default the task overrides is left out, so it is never templated (it may name undefined variables).
        ({"region": "us-east-1"}, {"region": "{{ undefined }}"}, {}),
        # An alias in the task wins over the option in the defaults, and the reverse.
        ({"aws_region": "us-east-1"}, {"region": "eu-west-1"}, {}),
        ({"region": "us-east-1"}, {"aws_region": "eu-west-1"}, {}),
        ({"access_key": "A", "secret_key": "S"}, {"profile": "p", "secret_key": "T"}, {"profile": "p"}),
        ({}, {"region": "a", "aws_region": "b"}, {"region": "a"}),
    ],
)
def test_missing_connection_options(args, defaults, expected):
    assert action.missing_connection_options(args, defaults) == expected


@pytest.mark.parametrize(
    "args, problem",
    [
        ({}, None),
        ({"request_metadata": None}, None),
        ({"request_metadata": {}}, None),
        ({"request_metadata": {"team": "ml", "cost": 4711}}, None),  # values are checked by the module
        (
            {"request_metadata": {1: "one", "two": "2"}},
            "request_metadata keys must be strings (quote them); not a string: 1",
        ),
        ({"request_metadata": {True: "yes"}}, "request_metadata keys must be strings (quote them); not a string: True"),
        ({"requests": [{"body": {}}, {"request_metadata": {"a": "b"}}, "not a mapping"]}, None),
        (
            {"requests": [{"body": {}}, {"request_metadata": {"a": "b", 2: "c"}}]},
            "requests[1].request_metadata keys must be strings (quote them); not a string: 2",
        ),
    ],
)
def test_non_string_keys(args, problem):
    assert action.non_string_keys(args) == problem


@pytest.mark.parametrize(
    "args, problem",
    [
        ({}, None),
        ({"bodies": None, "requests": None}, None),
        ({"bodies": []}, None),
        ({"bodies": ["hello, world"]}, None),
        ({"requests": [{"body": {}}]}, None),
        # Ansible would split a string at its commas into several requests.
        (
            {"bodies": "hello, world"},
            "bodies must be a list with one entry per request, not a single value: 'hello, world'",
        ),
        ({"bodies": 5}, "bodies must be a list with one entry per request, not a single value: '5'"),
        ({"bodies": True}, "bodies must be a list with one entry per request, not a single value: 'True'"),
        (
            {"requests": {"body": {}}},
            "requests must be a list with one entry per request, not a single value: \"{'body': {}}\"",
        ),
        ({"bodies": "x" * 200}, "bodies must be a list with one entry per request, not a single value: '" + "x" * 79),
    ],
)
def test_not_a_list(args, problem):
    assert action.not_a_list(args, ("bodies", "requests")) == problem


def test_only_the_many_module_checks_request_lists():
    assert action.ActionModule.request_lists == ()
    assert many_action.ActionModule.request_lists == ("bodies", "requests")


HEADER_PROBLEM = "cannot be sent as an HTTP header: use visible ASCII characters only"


@pytest.mark.parametrize(
    "args, named",
    [
        ({}, None),
        ({"accept": "application/json", "content_type": "text/plain; charset=utf-8"}, None),
        (
            {"guardrail_identifier": "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc", "guardrail_version": "2"},
            None,
        ),
        # Values that are not strings are the module's to convert or refuse.
        ({"guardrail_version": 3, "accept": None}, None),
        ({"accept": "application/json\x00"}, "accept 'application/json\\x00'"),
        ({"content_type": "text/plain\n"}, "content_type 'text/plain\\n'"),
        ({"guardrail_identifier": "gr\u00e9"}, "guardrail_identifier 'gr\u00e9'"),
        ({"guardrail_version": " 1"}, "guardrail_version ' 1'"),
        ({"accept": " "}, "accept ' '"),
        # The module says better why an empty value cannot be sent.
        ({"accept": "", "guardrail_identifier": ""}, None),
        # Entries of requests carry the same options; only the many module lists them.
        ({"requests": [{"body": {}}, {"accept": "a\x00"}]}, None),
    ],
)
def test_bad_header_value_of_the_task(args, named):
    problem = action.bad_header_value(args, action.ActionModule.header_options, action.ActionModule.header_entry_lists)
    if named is None:
        assert problem is None
    else:
        assert problem.startswith(f"Invalid request, nothing was sent: {named} {HEADER_PROBLEM}")
        assert "\x00" not in problem


@pytest.mark.parametrize(
    "args, named",
    [
        ({"requests": [{"body": {}, "accept": "text/plain"}]}, None),
        ({"requests": [{"body": {}}, {"body": {}, "accept": "a\x00"}]}, "requests[1].accept 'a\\x00'"),
        ({"requests": [{"body": {}, "guardrail_version": "DRAFT\t"}]}, "requests[0].guardrail_version 'DRAFT\\t'"),
        ({"requests": ["not a mapping", {"content_type": "\x7f"}]}, "requests[1].content_type '\\x7f'"),
        # The task's own options are checked first.
        ({"accept": "\x01", "requests": [{"accept": "\x02"}]}, "accept '\\x01'"),
        ({"requests": "not a list"}, None),
    ],
)
def test_bad_header_value_of_the_requests(args, named):
    cls = many_action.ActionModule
    problem = action.bad_header_value(args, cls.header_options, cls.header_entry_lists)
    if named is None:
        assert problem is None
    else:
        assert problem.startswith(f"Invalid request, nothing was sent: {named} {HEADER_PROBLEM}")


def test_the_header_options_are_those_the_module_sends_as_headers():
    assert action.ActionModule.header_options == ("content_type", "accept", "guardrail_identifier", "guardrail_version")
    assert many_action.ActionModule.header_options == action.ActionModule.header_options
    assert (action.ActionModule.header_entry_lists, many_action.ActionModule.header_entry_lists) == ((), ("requests",))


@pytest.mark.parametrize(
    "args, problem",
    [
        ({}, None),
        ({"max_concurrency": 4}, None),
        ({"max_concurrency": "4"}, None),  # Ansible converts it; the module refuses what it cannot
        ({"max_concurrency": True}, "max_concurrency must be a whole number, not a boolean: True"),
        ({"max_concurrency": False}, "max_concurrency must be a whole number, not a boolean: False"),
    ],
)
def test_not_an_integer(args, problem):
    assert action.not_an_integer(args, many_action.ActionModule.integer_options) == problem
    assert action.not_an_integer(args, action.ActionModule.integer_options) is None
