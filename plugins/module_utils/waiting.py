# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for a resource to reach a status, as Bedrock has no waiters: polled, gently, within a timeout.

wait_for() reads the resource again and again, a few seconds apart at first and up to a minute apart for long
waits, until it is done or the task's wait_timeout runs out; a busy answer that the client's retries could not get
past is waited out like any other poll, since the next poll asks again anyway.
"""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Optional
from typing import TypeVar

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils.clients import is_busy

T = TypeVar("T")
# A few seconds between polls at first, backing off to a minute between polls for long waits.
POLL_FIRST = 2.0
POLL_FACTOR = 1.5
POLL_MAX = 60.0


class WaitTimeout(Exception):
    """The resource did not get there within the timeout; last is how it was last seen."""

    def __init__(self, msg: str, last: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.last = last


def wait_for(
    read: Callable[[], T],
    done: Callable[[T], bool],
    seen: T,
    timeout: float,
    describe: Callable[[T], str],
    sleep: Optional[Callable[[float], Any]] = None,
    clock: Optional[Callable[[], float]] = None,
) -> T:
    """Poll read() from seen (the resource as last read) until done() says so; returns the resource as then read.

    Raises WaitTimeout after timeout seconds, its message "<describe(last seen)> after <timeout> seconds
    (wait_timeout)", for example describe = lambda job: f"Job {name!r} is still {job['status']}". Errors other
    than a busy answer are raised as they come.
    """
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    delay = POLL_FIRST
    while not done(seen):
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(f"{describe(seen)} after {timeout} seconds (wait_timeout)", seen)
        sleep(min(delay, remaining))
        delay = min(delay * POLL_FACTOR, POLL_MAX)
        try:
            seen = read()
        except ClientError as e:
            if not is_busy(e):
                raise
    return seen
