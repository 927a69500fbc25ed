# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from unittest.mock import MagicMock
from unittest.mock import call

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import versions

GATES = [
    ("trace", "ENABLED", "1.34.90"),
    ("trace", "ENABLED_FULL", "1.37.29"),
    ("service_tier", None, "1.40.76"),
    ("service_tier", "reserved", "1.41.5"),
]


@pytest.mark.parametrize(
    "version, key",
    [("1.34.0", (1, 34, 0)), ("1.34.116", (1, 34, 116)), ("2.0", (2, 0))],
)
def test_version_key(version, key):
    assert versions.version_key(version) == key


def test_version_key_sorts_numerically():
    assert sorted(["1.34.116", "1.34.90", "1.35.1"], key=versions.version_key) == ["1.34.90", "1.34.116", "1.35.1"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, []),
        ({"trace": "DISABLED", "service_tier": None}, []),
        ({"trace": "ENABLED"}, [("1.34.90", "to use trace=ENABLED")]),
        ({"service_tier": "flex"}, [("1.40.76", "to use service_tier")]),
        (
            {"service_tier": "reserved", "trace": "ENABLED_FULL"},
            [
                ("1.41.5", "to use service_tier=reserved"),
                ("1.40.76", "to use service_tier"),
                ("1.37.29", "to use trace=ENABLED_FULL"),
            ],
        ),
    ],
)
def test_required_boto3_versions(params, expected):
    assert versions.required_boto3_versions(params, GATES) == expected


def test_require_boto3_for_asks_for_the_highest_first_once_each():
    module = MagicMock()
    versions.require_boto3_for(module, {"trace": "ENABLED"}, {"trace": "ENABLED", "service_tier": "flex"}, gates=GATES)
    assert module.require_boto3_at_least.call_args_list == [
        call("1.40.76", reason="to use service_tier"),
        call("1.34.90", reason="to use trace=ENABLED"),
    ]


def test_require_boto3_for_names_the_same_version_s_reasons_in_name_order():
    module = MagicMock()
    needs = [("1.35.1", "to use b"), ("1.35.1", "to use a"), ("1.34.0", "to use c")]
    versions.require_boto3_for(module, gates=GATES, needs=needs)
    assert [c.kwargs["reason"] for c in module.require_boto3_at_least.call_args_list] == [
        "to use a",
        "to use b",
        "to use c",
    ]


def test_require_boto3_for_asks_for_what_is_always_needed_with_what_the_options_need():
    module = MagicMock()
    api = ("1.35.1", "to manage the API")
    versions.require_boto3_for(module, {"trace": "ENABLED"}, gates=GATES, needs=[api])
    assert module.require_boto3_at_least.call_args_list == [
        call("1.35.1", reason="to manage the API"),
        call("1.34.90", reason="to use trace=ENABLED"),
    ]


release = st.tuples(st.integers(0, 3), st.integers(0, 200), st.integers(0, 200)).map(lambda t: ".".join(map(str, t)))


@given(st.lists(st.tuples(release, st.sampled_from(["to use a", "to use b", "to use c"]))))
def test_highest_first_is_ordered_and_without_repeats(needed):
    ordered = versions.highest_first(needed)
    assert set(ordered) == set(needed) and len(ordered) == len(set(needed))
    keys = [versions.version_key(version) for version, dummy in ordered]
    assert keys == sorted(keys, reverse=True)
