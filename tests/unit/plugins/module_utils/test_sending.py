# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many calls sent concurrently within an adaptive limit, whatever the API: the limiter, the pool, one call."""

from __future__ import annotations

import threading
import time

import botocore.exceptions
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import clients
from ansible_collections.amazon.ai.plugins.module_utils import sending
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.sending import AdaptiveLimiter

# The concurrency a task asks for.


@pytest.mark.parametrize("value, ok", [(0, False), (1, True), (8, True), (64, True), (65, False), (-3, False)])
def test_check_max_concurrency(value, ok):
    if ok:
        sending.check_max_concurrency(value)
    else:
        with pytest.raises(BedrockParameterError, match="max_concurrency must be between 1 and 64"):
            sending.check_max_concurrency(value)


@pytest.mark.parametrize("value", [True, False, 4.0, "4"])
def test_check_max_concurrency_refuses_what_is_not_an_integer(value):
    with pytest.raises(BedrockParameterError, match="max_concurrency must be a whole number of requests"):
        sending.check_max_concurrency(value)


# The concurrency limit.


def test_limiter_halves_on_a_busy_answer_and_grows_back_after_successes():
    limiter = AdaptiveLimiter(8)
    tickets = [limiter.acquire() for dummy in range(8)]
    assert limiter.in_flight == 8
    limiter.release(tickets[0], busy=True, succeeded=False)
    assert limiter.limit == 4
    # Busy answers to requests sent before the cut report the same crowd: no further cut.
    for ticket in tickets[1:5]:
        limiter.release(ticket, busy=True, succeeded=False)
    assert limiter.limit == 4
    # A busy answer to a request sent after the cut cuts again.
    limiter.release(limiter.acquire(), busy=True, succeeded=False)
    assert (limiter.limit, limiter.lowest) == (2, 2)
    # One more after as many successes in a row as the limit: two at a limit of 2, then three at 3, ...
    limiter.release(tickets[5], busy=False, succeeded=True)
    assert limiter.limit == 2
    limiter.release(tickets[6], busy=False, succeeded=True)
    assert limiter.limit == 3
    limiter.release(tickets[7], busy=False, succeeded=True)
    assert limiter.in_flight == 0
    limits = []
    for dummy in range(60):
        limiter.release(limiter.acquire(), busy=False, succeeded=True)
        limits.append(limiter.limit)
    # Up to the maximum and no further, never down without a busy answer.
    assert limits == sorted(limits) and limits[-1] == 8
    assert limits.index(4) == 1 and limits.index(5) == 5
    assert limiter.lowest == 2


# Each step: take a slot (when one is free), or give one back reporting a busy answer, a success or an error.
limiter_steps = st.lists(st.sampled_from(["acquire", "busy", "success", "error"]), max_size=200)


@settings(max_examples=100, deadline=None, database=None)
@given(maximum=st.integers(min_value=1, max_value=64), steps=limiter_steps)
def test_limiter_stays_within_its_bounds_whatever_happens(maximum, steps):
    limiter = AdaptiveLimiter(maximum)
    held = []
    for step in steps:
        if step == "acquire":
            if limiter.in_flight < limiter.limit:
                held.append(limiter.acquire())
        elif held:
            limiter.release(held.pop(0), busy=step == "busy", succeeded=step == "success")
        assert 1 <= limiter.lowest <= limiter.limit <= maximum
        assert limiter.in_flight == len(held)
    # With nothing more refused, the limit climbs back to the maximum.
    while held:
        limiter.release(held.pop(), busy=False, succeeded=True)
    for dummy in range(maximum * maximum):
        limiter.release(limiter.acquire(), busy=False, succeeded=True)
    assert limiter.limit == maximum


def test_limiter_never_goes_below_one():
    limiter = AdaptiveLimiter(2)
    for dummy in range(5):
        limiter.release(limiter.acquire(), busy=True, succeeded=False)
    assert limiter.limit == 1


def test_limiter_errors_neither_cut_nor_grow():
    limiter = AdaptiveLimiter(4)
    limiter.release(limiter.acquire(), busy=True, succeeded=False)
    for dummy in range(10):
        limiter.release(limiter.acquire(), busy=False, succeeded=False)
    assert limiter.limit == 2


def test_limiter_holds_requests_beyond_the_limit():
    limiter = AdaptiveLimiter(3)
    peak, lock = [0], threading.Lock()

    def work(dummy):
        ticket = limiter.acquire()
        with lock:
            peak[0] = max(peak[0], limiter.in_flight)
        time.sleep(0.01)
        limiter.release(ticket, busy=False, succeeded=True)

    sending.run_concurrently(work, 30, 10)
    assert peak[0] == 3


def test_run_concurrently_returns_results_in_order_and_runs_them_together():
    active, peak, lock = [0], [0], threading.Lock()

    def work(index):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        # Later requests finish first.
        time.sleep(0.002 * (20 - index))
        with lock:
            active[0] -= 1
        return index * 10

    assert sending.run_concurrently(work, 20, 5) == [index * 10 for index in range(20)]
    assert peak[0] == 5
    assert sending.run_concurrently(work, 0, 5) == []


def client_error(code, status):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


class Calls:
    """Any call: raises or returns as scripted, recording the slots in use at each try and at each sleep."""

    def __init__(self, limiter, *outcomes):
        self.limiter = limiter
        self.outcomes = list(outcomes)
        self.in_flight = []

    def __call__(self):
        self.in_flight.append(self.limiter.in_flight)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_send_within_retries_busy_answers_and_reports_them_to_the_limiter(no_sleep):
    limiter = AdaptiveLimiter(8)
    call = Calls(limiter, client_error("ThrottlingException", 429), client_error("503", 503), {"answer": 1})
    tries = []
    assert sending.send_within(limiter, call, tries) == {"answer": 1}
    assert len(tries) == 3 and len(no_sleep) == 2
    # Each try held a slot; the two busy answers to one crowd cut the limit once each (sent after each cut).
    assert call.in_flight == [1, 1, 1]
    assert (limiter.limit, limiter.in_flight) == (2, 0)


def test_send_within_waits_for_a_connection_without_a_slot(monkeypatch):
    limiter = AdaptiveLimiter(1)
    in_flight_while_sleeping = []
    monkeypatch.setattr(
        "ansible_collections.amazon.ai.plugins.module_utils.backoff.time.sleep",
        lambda s: in_flight_while_sleeping.append(limiter.in_flight),
    )
    unsent = botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    tries = []
    assert sending.send_within(limiter, Calls(limiter, unsent, unsent, "ok"), tries) == "ok"
    assert len(tries) == 3 and in_flight_while_sleeping == [0, 0]
    # Not reaching the endpoint says nothing about the service's quota: the limit stays.
    assert (limiter.limit, limiter.in_flight) == (1, 0)


@pytest.mark.parametrize(
    "error",
    [
        botocore.exceptions.ReadTimeoutError(endpoint_url="http://x"),
        client_error("ValidationException", 400),
        ValueError("not an AWS error at all"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_send_within_never_repeats_what_may_have_been_sent_or_would_fail_again(no_sleep, error):
    limiter = AdaptiveLimiter(2)
    tries = []
    with pytest.raises(type(error)):
        sending.send_within(limiter, Calls(limiter, error, "never"), tries)
    assert len(tries) == 1 and no_sleep == []
    assert (limiter.limit, limiter.in_flight) == (2, 0)


def test_send_within_gives_up_after_the_collection_s_tries(no_sleep):
    limiter = AdaptiveLimiter(4)
    tries = []
    with pytest.raises(botocore.exceptions.ClientError):
        sending.send_within(limiter, Calls(limiter, *[client_error("ThrottlingException", 429)] * 20), tries)
    assert len(tries) == clients.RETRY_ATTEMPTS and limiter.lowest == 1


def test_retry_counts():
    assert sending.retry_counts([1, 12, 3, 1]) == {"retried": 2, "retries": 13}
    assert sending.retry_counts([]) == {"retried": 0, "retries": 0}
