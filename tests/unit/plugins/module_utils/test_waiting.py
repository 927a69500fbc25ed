# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for a status: growing delays, throttling waited out, a timeout with a clear message."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.amazon.ai.plugins.module_utils import waiting


def client_error(code, status):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Get"
    )


class Clock:
    """A clock that only moves when slept on, recording each sleep."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def reads(*outcomes):
    """read(): each call raises or returns the next outcome."""
    pending = list(outcomes)

    def read():
        outcome = pending.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return read


def wait(read, seen, timeout, clock):
    return waiting.wait_for(
        read,
        lambda status: status in ("READY", "FAILED"),
        seen,
        timeout,
        lambda status: f"Guardrail 'g' is still {status}",
        sleep=clock.sleep,
        clock=clock,
    )


def test_backs_off_gently_and_waits_out_throttling():
    clock = Clock()
    read = reads("CREATING", client_error("ThrottlingException", 429), "UPDATING", "READY")
    assert wait(read, "CREATING", 3600, clock) == "READY"
    assert clock.sleeps == [2.0, 3.0, 4.5, 6.75]


def test_a_long_wait_polls_at_most_a_minute_apart():
    clock = Clock()
    assert wait(reads(*["CREATING"] * 30, "READY"), "CREATING", 36000, clock) == "READY"
    assert max(clock.sleeps) == waiting.POLL_MAX and clock.sleeps == sorted(clock.sleeps)


def test_gives_up_at_the_timeout_saying_where_it_stopped():
    clock = Clock()
    with pytest.raises(waiting.WaitTimeout) as excinfo:
        wait(reads("CREATING", "UPDATING"), "CREATING", 4, clock)
    assert excinfo.value.msg == "Guardrail 'g' is still UPDATING after 4 seconds (wait_timeout)"
    assert excinfo.value.last == "UPDATING" and clock.now == 4


def test_what_is_done_already_is_not_read_again():
    clock = Clock()
    assert wait(reads(), "FAILED", 0, clock) == "FAILED" and clock.sleeps == []


@pytest.mark.parametrize(
    "error",
    [client_error("AccessDeniedException", 403), botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")],
    ids=["access-denied", "read-timeout"],
)
def test_other_errors_are_raised(error):
    with pytest.raises(type(error)):
        wait(reads(error), "CREATING", 60, Clock())
