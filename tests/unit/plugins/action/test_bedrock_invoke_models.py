# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.action import bedrock_invoke_models as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_invoke_models as module

HEADERS = ("content_type", "accept", "guardrail_identifier", "guardrail_version")


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == ((("max_concurrency",), "int"),)
    assert table.request_lists == ("bodies", "requests")
    # Header options on the task, then on each entry of requests.
    assert table.headers == tuple((name,) for name in HEADERS) + tuple(("requests", name) for name in HEADERS)
    assert table.string_keys == (("request_metadata",), ("requests", "request_metadata"))


@pytest.mark.parametrize(
    "args, problem",
    [
        ({"bodies": "Summarise this, please"}, "bodies must be a list with one entry per request"),
        (
            {"requests": [{"body": {}}, {"body": {}, "accept": "text/plain\x00"}]},
            "requests[1].accept 'text/plain\\x00'",
        ),
        ({"requests": [{"request_metadata": {1: "a"}}]}, "requests[0].request_metadata keys must be"),
    ],
)
def test_what_the_module_could_not_tell_apart_is_refused(run_action, args, problem):
    result, sent = run_action(action.ActionModule, dict(args, model_id="m"))
    assert sent is None
    # The many module names no model: each request may name its own.
    assert result["msg"].startswith("Invalid task, nothing was sent: " + problem)
