# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many AWS calls from one task, sent concurrently, fewer at once while the service throttles.

Nothing here knows which API is called: a module hands send_within() a function making one call (and reading its
reply), and run_concurrently() a function doing one item's work. bedrock_invoke_models sends InvokeModel requests
this way; any module sending many requests of one kind can do the same:

    limiter = AdaptiveLimiter(concurrency)

    def work(index):
        tries = []
        reply = send_within(limiter, lambda: client.some_call(**requests[index]), tries)
        return reply, len(tries)

    outcomes = run_concurrently(work, len(requests), concurrency)

Each call is retried with the collection's backoff (clients.retry_decorator()) while it is busy or unsent.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import TypeVar

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils.clients import is_busy
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

T = TypeVar("T")
# The most calls a task may have in flight at once.
MAX_CONCURRENCY = 64


def check_max_concurrency(value: Any) -> None:
    """Refuse a max_concurrency that is not a whole number of requests within MAX_CONCURRENCY."""
    # ansible-core's int type lets a boolean through, and true would quietly mean 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BedrockParameterError(f"max_concurrency must be a whole number of requests, not {value!r}")
    if not 1 <= value <= MAX_CONCURRENCY:
        raise BedrockParameterError(
            f"max_concurrency must be between 1 and {MAX_CONCURRENCY} requests in flight at once, not {value}"
        )


class AdaptiveLimiter:
    """How many calls may be in flight: fewer after the service throttles, more again after successes.

    Halves the limit on a busy answer (at least 1) and adds one after as many successes in a row as the limit,
    as TCP does with its congestion window. Busy answers to calls sent before the last cut do not cut again:
    they report the crowd that was already cut down.
    """

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.limit = maximum
        self.lowest = maximum
        self.in_flight = 0
        self._generation = 0
        self._successes = 0
        self._changed = threading.Condition()

    def acquire(self) -> int:
        """Wait for a free slot and take it; returns a ticket to hand back to release()."""
        with self._changed:
            while self.in_flight >= self.limit:
                self._changed.wait()
            self.in_flight += 1
            return self._generation

    def release(self, ticket: int, busy: bool, succeeded: bool) -> None:
        """Give back a slot, reporting whether the service was busy or answered."""
        with self._changed:
            self.in_flight -= 1
            if busy and ticket == self._generation:
                self.limit = max(1, self.limit // 2)
                self.lowest = min(self.lowest, self.limit)
                self._generation += 1
                self._successes = 0
            elif succeeded and self.limit < self.maximum:
                self._successes += 1
                if self._successes >= self.limit:
                    self.limit += 1
                    self._successes = 0
            self._changed.notify_all()


def send_within(limiter: AdaptiveLimiter, call: Callable[[], T], tries: List[int]) -> T:
    """call() within the limiter, retried with the collection's backoff; returns what it returns.

    Each try is appended to tries. The sleeps between tries (after a busy answer, or a connection that could
    not be made) happen outside the limiter, so a call waiting to try again holds no slot.
    """

    # A decorator of its own: the backoff's state must not be shared between calls made at the same time.
    @retry_decorator()
    def attempt() -> T:
        tries.append(1)
        ticket = limiter.acquire()
        busy = succeeded = False
        try:
            value = call()
            succeeded = True
            return value
        except ClientError as e:
            busy = is_busy(e)
            raise
        finally:
            limiter.release(ticket, busy, succeeded)

    return attempt()


def run_concurrently(work: Callable[[int], T], count: int, concurrency: int) -> List[T]:
    """work(index) for every index, at most concurrency at once, results in index order."""
    if count == 0:
        return []
    with ThreadPoolExecutor(max_workers=min(concurrency, count)) as pool:
        return list(pool.map(work, range(count)))


def retry_counts(tries: Iterable[int]) -> Dict[str, int]:
    """How many calls were retried, and how many retries they took in all, from each call's number of tries."""
    counts = list(tries)
    return {"retried": sum(1 for count in counts if count > 1), "retries": sum(count - 1 for count in counts)}
