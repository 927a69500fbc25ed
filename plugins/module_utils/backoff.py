# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retrying a call with jittered exponential backoff, for AWS errors and for requests that were never sent.

amazon.aws's AWSRetry only looks at the codes of ClientErrors. A call that could not even connect (no DNS
answer, connection refused, no answer to the connection attempt) raises a BotoCoreError instead, and is just as
safe to repeat: nothing reached the service. retry_with_backoff() retries whatever a predicate accepts within
one budget of tries, and tells the caller, through tries_made(), how many tries the error it raises took.
"""

from __future__ import annotations

import functools
import random
import time
from typing import Any
from typing import Callable
from typing import TypeVar

try:
    from botocore.exceptions import ConnectTimeoutError
    from botocore.exceptions import EndpointConnectionError
except ImportError:
    pass  # Handled by AnsibleAWSModule

# Set on the error a retried call finally raises: how many tries were made.
TRIES_ATTRIBUTE = "amazon_ai_tries"

T = TypeVar("T")


def never_sent(error: BaseException) -> bool:
    """Whether a failed call certainly sent nothing: its connection was never made.

    botocore raises EndpointConnectionError when the name did not resolve or the connection was refused, and
    ConnectTimeoutError when the connection was not made in time; urllib3 raises both only while opening a new
    connection, before any byte of the request is written. Their siblings are not: SSLError is also raised while
    the reply is read, and ProxyConnectionError, with urllib3 1.26, for a connection to the proxy lost after the
    request was sent. Nor is anything after sending (ReadTimeoutError, ConnectionClosedError), which a repeat
    could run, and bill, twice.
    """
    return isinstance(error, (EndpointConnectionError, ConnectTimeoutError))


def backoff_delay(tries: int, delay: float, max_delay: float) -> float:
    """The longest sleep after the given number of failed tries: delay doubled each time, at most max_delay."""
    return min(max_delay, delay * 2 ** min(tries - 1, 64))


def tries_made(error: BaseException) -> int:
    """How many tries a call retried by retry_with_backoff() made before raising error (1 if it was not retried)."""
    tries = getattr(error, TRIES_ATTRIBUTE, 1)
    return tries if isinstance(tries, int) else 1


def retry_with_backoff(
    should_retry: Callable[[BaseException], bool], attempts: int, delay: float, max_delay: float
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A decorator that makes up to attempts tries of a call while it raises an error should_retry accepts.

    Between tries it sleeps a random time up to backoff_delay() ("full jitter", as AWSRetry.jittered_backoff
    does), so many callers refused together do not come back together. The error finally raised is the call's
    own, carrying the number of tries (read it with tries_made()). The decorated function keeps no state between
    calls, so one decorator may serve many threads.
    """

    def decorator(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            tries = 0
            while True:
                tries += 1
                try:
                    return func(*args, **kwargs)
                except Exception as error:  # pylint: disable=broad-except
                    if tries >= attempts or not should_retry(error):
                        setattr(error, TRIES_ATTRIBUTE, tries)
                        raise
                # Outside the except block: the next try must not chain this error to its own.
                time.sleep(random.uniform(0.0, backoff_delay(tries, delay, max_delay)))

        return wrapper

    return decorator
