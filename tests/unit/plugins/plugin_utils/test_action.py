# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugins' base: the AWS groups' connection defaults, and the table of checks derived from a spec."""

from __future__ import annotations

import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.amazon.ai.plugins.plugin_utils import action

# A spec with every shape the table must follow: numbers on the task, in the entries of a list and in a mapping,
# an alias, header and metadata options on the task and in entries.
SPEC = dict(
    model_id=dict(type="str"),
    accept=dict(type="str"),
    request_metadata=dict(type="dict"),
    wait_timeout=dict(type="int", aliases=["timeout"]),
    bodies=dict(type="list", elements="raw"),
    requests=dict(
        type="list",
        elements="dict",
        options=dict(
            body=dict(type="raw"),
            accept=dict(type="str"),
            request_metadata=dict(type="dict"),
            max_concurrency=dict(type="int"),
        ),
    ),
    inference=dict(type="dict", options=dict(temperature=dict(type="float"), stop=dict(type="list"))),
)
TABLE = action.ActionTable.from_spec(
    SPEC, lambda args: "the thing", request_lists=("bodies", "requests"), header_options=("accept",)
)


class Action(action.AmazonAIAction):
    table = TABLE


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


def test_the_table_follows_the_spec():
    assert TABLE.numbers == (
        (("wait_timeout",), "int"),
        (("requests", "max_concurrency"), "int"),
        (("inference", "temperature"), "float"),
    )
    assert TABLE.headers == (("accept",), ("requests", "accept"))
    assert TABLE.string_keys == (("request_metadata",), ("requests", "request_metadata"))
    assert TABLE.names[("wait_timeout",)] == ("wait_timeout", "timeout")
    assert TABLE.lists == {("requests",): True, ("inference",): False}


def test_values_are_found_wherever_the_task_sets_them():
    args = {
        "timeout": 5,
        "requests": [{"max_concurrency": 1}, "not a mapping", {"body": {}}, {"max_concurrency": 3}],
        "inference": {"temperature": 0.5},
    }
    assert list(TABLE.values(args, ("wait_timeout",))) == [("timeout", 5)]
    assert list(TABLE.values(args, ("requests", "max_concurrency"))) == [
        ("requests[0].max_concurrency", 1),
        ("requests[3].max_concurrency", 3),
    ]
    assert list(TABLE.values(args, ("inference", "temperature"))) == [("inference.temperature", 0.5)]
    assert list(TABLE.values({"requests": "x", "inference": None}, ("requests", "accept"))) == []


PREFIX = "Invalid task for the thing, nothing was sent: "


@pytest.mark.parametrize(
    "args, problem",
    [
        ({}, None),
        ({"bodies": None, "requests": None, "wait_timeout": None}, None),
        ({"bodies": ["hello, world"], "wait_timeout": 5, "inference": {"temperature": 0.5}}, None),
        ({"requests": [{"body": {}, "accept": "text/plain", "request_metadata": {"a": "b"}}]}, None),
        # ansible-core would take a boolean as 1 or 0 (1.0 or 0.0 for a float).
        ({"wait_timeout": True}, "wait_timeout must be a whole number, not a boolean: True"),
        ({"timeout": False}, "timeout must be a whole number, not a boolean: False"),
        ({"inference": {"temperature": True}}, "inference.temperature must be a number, not a boolean: True"),
        (
            {"requests": [{}, {}, {}, {"max_concurrency": True}]},
            "requests[3].max_concurrency must be a whole number, not a boolean: True",
        ),
        ({"wait_timeout": "5"}, None),  # Ansible converts it; the module refuses what it cannot
        # Ansible would split a string at its commas into several requests.
        (
            {"bodies": "hello, world"},
            "bodies must be a list with one entry per request, not a single value: 'hello, world'",
        ),
        ({"bodies": 5}, "bodies must be a list with one entry per request, not a single value: '5'"),
        (
            {"requests": {"body": {}}},
            "requests must be a list with one entry per request, not a single value: \"{'body': {}}\"",
        ),
        ({"bodies": "x" * 200}, "bodies must be a list with one entry per request, not a single value: '" + "x" * 79),
        # JSON would make every key a string.
        (
            {"request_metadata": {1: "one", "two": "2"}},
            "request_metadata keys must be strings (quote them); not a string: 1",
        ),
        (
            {"requests": [{"body": {}}, {"request_metadata": {"a": "b", 2: "c"}}]},
            "requests[1].request_metadata keys must be strings (quote them); not a string: 2",
        ),
        ({"request_metadata": {"cost": 4711}}, None),  # values are the module's to check
        # What ansible-core itself could not carry to the module.
        ({"accept": "application/json\x00"}, "accept 'application/json\\x00' cannot be sent as an HTTP header"),
        ({"requests": [{"accept": "a"}, {"accept": "a\x00"}]}, "requests[1].accept 'a\\x00' cannot be sent"),
        # The task's own options are checked first; an empty value is the module's to refuse.
        ({"accept": "\x01", "requests": [{"accept": "\x02"}]}, "accept '\\x01' cannot be sent"),
        ({"accept": ""}, None),
        ({"accept": 3}, None),
    ],
)
def test_problem(args, problem):
    found = TABLE.problem(args)
    if problem is None:
        assert found is None
    else:
        assert found.startswith(PREFIX + problem)
        assert "\x00" not in found


def test_a_refused_task_runs_no_module(run_action):
    result, sent = run_action(Action, {"wait_timeout": True})
    assert result == {"failed": True, "msg": PREFIX + "wait_timeout must be a whole number, not a boolean: True"}
    assert sent is None


def test_the_module_runs_with_the_aws_groups_connection_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"region": "eu-west-1", "aws_region": "x", "profile": "ml", "wait": True}}]
    result, sent = run_action(Action, {"model_id": "m", "profile": "mine"}, defaults)
    assert result == {"changed": True}
    assert sent == {"model_id": "m", "profile": "mine", "region": "eu-west-1"}


def test_the_base_class_has_no_table_of_its_own():
    # Every action plugin sets its module's own table: none inherits another module's options.
    assert not hasattr(action.AmazonAIAction, "table")
