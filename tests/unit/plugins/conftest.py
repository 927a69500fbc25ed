# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the unit tests of every plugin share: a task's options, the table of errors never retried, no sleeping."""

from __future__ import annotations

import pytest
from ansible.module_utils.common import warnings as ansible_warnings

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"

# The one table of AWS errors that fail the same way when repeated, so that they are never retried: the service's
# refusals, and a proxy's bare statuses that are not busy ones. Every test taking `not_retried` runs once for each
# (error code, HTTP status).
NOT_RETRIED = [
    ("ValidationException", 400),
    ("AccessDeniedException", 403),
    ("ResourceNotFoundException", 404),
    ("ModelTimeoutException", 408),
    ("ModelErrorException", 424),
    ("ServiceQuotaExceededException", 400),
    ("400", 400),
    ("404", 404),
    ("501", 501),
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "not_retried" in metafunc.fixturenames:
        metafunc.parametrize("not_retried", NOT_RETRIED, ids=[code for code, dummy in NOT_RETRIED])


@pytest.fixture(autouse=True)
def forget_module_warnings():
    """Each test starts with no warning recorded: outside the controller, ansible-core keeps a module's warnings in
    a process-wide table until the module exits, so one test's warnings would otherwise show in the next one's
    result (as they do when a file's tests run on their own)."""
    for table in ("_global_warnings", "_global_deprecations"):
        getattr(ansible_warnings, table).clear()
    yield


@pytest.fixture(name="invoke_params")
def fixture_invoke_params():
    """invoke_params(**overrides): one InvokeModel request's options as bedrock_invoke_model's task has them."""

    def make(**overrides):
        params = dict(
            model_id=MODEL,
            body={"prompt": "hi"},
            content_type="application/json",
            accept="application/json",
            trace="DISABLED",
            guardrail_identifier=None,
            guardrail_version=None,
            performance_config_latency="standard",
            service_tier=None,
            request_metadata=None,
        )
        params.update(overrides)
        return params

    return make


@pytest.fixture(name="no_sleep")
def fixture_no_sleep(monkeypatch):
    """The sleeps of the collection's backoff (time.sleep, as amazon.aws's module_utils see it), recorded, not slept."""
    sleeps = []
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", sleeps.append)
    return sleeps


@pytest.fixture(name="run_action")
def fixture_run_action():
    """run_action(cls, args, module_defaults=None): an action plugin's run() on the controller, with the module
    itself replaced; returns (result, the module's arguments, or None when the module was not run)."""
    from unittest.mock import MagicMock

    def run(cls, args, module_defaults=None):
        task = MagicMock(args=dict(args), module_defaults=module_defaults or [], async_val=0, check_mode=False)
        connection = MagicMock(has_native_async=False)
        templar = MagicMock()
        templar.template.side_effect = lambda value: value
        action = cls(task, connection, MagicMock(), MagicMock(), templar, None)
        sent = []

        def execute_module(module_args=None, task_vars=None, wrap_async=False):
            sent.append(module_args)
            return {"changed": True}

        action._execute_module = execute_module
        action._remove_tmp_path = lambda path: None
        result = action.run(task_vars={})
        return result, sent[0] if sent else None

    return run
