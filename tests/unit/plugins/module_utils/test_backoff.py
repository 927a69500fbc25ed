# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import botocore.exceptions
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import backoff

URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke"


class Unsent(botocore.exceptions.EndpointConnectionError):
    pass


@pytest.mark.parametrize(
    "error, unsent",
    [
        # Raised by urllib3 only while a new connection is opened: nothing was written yet.
        (botocore.exceptions.EndpointConnectionError(endpoint_url=URL), True),
        (botocore.exceptions.ConnectTimeoutError(endpoint_url=URL), True),
        (Unsent(endpoint_url=URL), True),
        # Siblings under botocore's ConnectionError that can come after the request was sent.
        (botocore.exceptions.SSLError(endpoint_url=URL, error="bad record mac"), False),
        (botocore.exceptions.ProxyConnectionError(proxy_url="http://proxy:3128", error="reset"), False),
        # After sending: a repeat could run the inference twice.
        (botocore.exceptions.ReadTimeoutError(endpoint_url=URL), False),
        (botocore.exceptions.ConnectionClosedError(endpoint_url=URL), False),
        (botocore.exceptions.HTTPClientError(error="reset"), False),
        (botocore.exceptions.IncompleteReadError(actual_bytes=1, expected_bytes=2), False),
        (botocore.exceptions.ResponseStreamingError(error="reset"), False),
        (botocore.exceptions.ClientError({"Error": {"Code": "ThrottlingException"}}, "InvokeModel"), False),
        (ValueError("x"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_never_sent(error, unsent):
    assert backoff.never_sent(error) is unsent


@pytest.mark.parametrize(
    "tries, expected",
    [(1, 0.5), (2, 1), (3, 2), (4, 4), (5, 8), (6, 8), (12, 8), (10_000, 8)],
)
def test_backoff_delay(tries, expected):
    assert backoff.backoff_delay(tries, 0.5, 8) == expected


@pytest.fixture(name="sleeps")
def fixture_sleeps(monkeypatch):
    sleeps = []
    monkeypatch.setattr(backoff.time, "sleep", sleeps.append)
    return sleeps


def scripted(outcomes):
    """A function that raises or returns the next of outcomes at each call, and the list of its calls."""
    calls = []

    def call(*args, **kwargs):
        calls.append((args, kwargs))
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return call, calls


def retrying(func, attempts=5):
    return backoff.retry_with_backoff(backoff.never_sent, attempts, 0.5, 8)(func)


def test_retries_until_the_call_succeeds(sleeps):
    func, calls = scripted(
        [
            botocore.exceptions.EndpointConnectionError(endpoint_url=URL),
            botocore.exceptions.ConnectTimeoutError(endpoint_url=URL),
            "answer",
        ]
    )
    assert retrying(func)(1, key="v") == "answer"
    assert calls == [((1,), {"key": "v"})] * 3
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1


@pytest.mark.parametrize("attempts", [1, 2, 12])
def test_gives_up_after_attempts_and_says_how_many(sleeps, attempts):
    errors = [botocore.exceptions.EndpointConnectionError(endpoint_url=URL) for _attempt in range(attempts)]
    func, calls = scripted(errors)
    with pytest.raises(botocore.exceptions.EndpointConnectionError) as excinfo:
        retrying(func, attempts)()
    assert excinfo.value is errors[-1]
    assert backoff.tries_made(excinfo.value) == attempts == len(calls)
    assert len(sleeps) == attempts - 1
    # Each try's error stands alone, not chained to the one before it.
    assert excinfo.value.__context__ is None


@pytest.mark.parametrize(
    "error",
    [
        botocore.exceptions.ReadTimeoutError(endpoint_url=URL),
        botocore.exceptions.ConnectionClosedError(endpoint_url=URL),
        botocore.exceptions.SSLError(endpoint_url=URL, error="x"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_never_repeats_what_may_have_been_sent(sleeps, error):
    func, calls = scripted([error, "answer"])
    with pytest.raises(type(error)):
        retrying(func)()
    assert len(calls) == 1 and sleeps == []
    assert backoff.tries_made(error) == 1


def test_tries_made_of_an_error_never_retried():
    assert backoff.tries_made(ValueError("x")) == 1
    error = ValueError("x")
    setattr(error, backoff.TRIES_ATTRIBUTE, "not a count")
    assert backoff.tries_made(error) == 1


# What a call may do at each try: answer, fail before sending (retried), or fail after sending (never repeated).
OUTCOMES = st.lists(st.sampled_from(["answer", "unsent", "sent"]), min_size=1, max_size=20)


@given(outcomes=OUTCOMES, attempts=st.integers(min_value=1, max_value=15))
def test_retries_only_unsent_calls_within_the_budget(outcomes, attempts):
    sleeps = []
    made = {
        "answer": lambda: "answer",
        "unsent": lambda: botocore.exceptions.EndpointConnectionError(endpoint_url=URL),
        "sent": lambda: botocore.exceptions.ReadTimeoutError(endpoint_url=URL),
    }
    # After the scripted tries, the call answers.
    outcomes = outcomes + ["answer"]
    func, calls = scripted([made[name]() for name in outcomes])
    real_sleep = backoff.time.sleep
    backoff.time.sleep = sleeps.append
    try:
        result = retrying(func, attempts)()
        error = None
    except botocore.exceptions.BotoCoreError as e:
        result, error = None, e
    finally:
        backoff.time.sleep = real_sleep
    # It stops at the first answer, the first error that may have been sent, or after `attempts` tries.
    expected_calls = min(attempts, next(index + 1 for index, name in enumerate(outcomes) if name != "unsent"))
    assert len(calls) == expected_calls
    assert len(sleeps) == expected_calls - 1
    assert all(0 <= delay <= backoff.backoff_delay(index + 1, 0.5, 8) for index, delay in enumerate(sleeps))
    if outcomes[expected_calls - 1] == "answer":
        assert result == "answer" and error is None
    else:
        assert result is None and backoff.tries_made(error) == expected_calls
        assert backoff.never_sent(error) == (outcomes[expected_calls - 1] == "unsent")
