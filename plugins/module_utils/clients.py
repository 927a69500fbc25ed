# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's AWS clients, and how their calls are retried.

Every module builds its clients with retrying_client() (or retrying_bedrock_client()): botocore's own retries
are off, and a call made with aws_retry=True is retried by retry_decorator() while is_transient() says the
service was busy or the request was never sent. failure_message() tells the task why such a call still failed.
The backoff itself is the generic decorator of backoff.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Optional

try:
    from botocore.exceptions import IncompleteReadError
    from botocore.exceptions import ReadTimeoutError
    from botocore.exceptions import ResponseStreamingError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.amazon.ai.plugins.module_utils.backoff import never_sent
from ansible_collections.amazon.ai.plugins.module_utils.backoff import retry_with_backoff
from ansible_collections.amazon.ai.plugins.module_utils.backoff import tries_made

# Worth another try: the request was fine, the service was busy. Everything else (validation, access,
# missing model, model timeout or error, quota) fails the same way when repeated.
RETRYABLE_ERROR_CODES = (
    "ThrottlingException",
    "ModelNotReadyException",
    "ServiceUnavailableException",
    "InternalServerException",
    # S3's "slow down" (HTTP 503, but botocore reports the code): the batch modules stage records and read
    # answers there.
    "SlowDown",
)
# A proxy or load balancer may answer for Bedrock with a bare status and no AWS error code; botocore then uses
# the status as the code. AWS's SDKs treat these statuses as transient, and so does this collection.
RETRYABLE_HTTP_STATUSES = ("429", "500", "502", "503", "504")
# Busy answers, and requests that could not connect (so were never sent), are retried here, up to twelve tries
# with jittered sleeps of at most 0.5, 1, 2, 4, then 8 s between them: a task that keeps being refused gives up
# within about a minute.
RETRY_ATTEMPTS = 12
RETRY_DELAY = 0.5
RETRY_MAX_DELAY = 8
# botocore's own retries are off (unless aws_config sets them): they would also repeat a request whose answer
# timed out, running and billing the inference again. Large models can take minutes to answer, longer than
# botocore's 60 s default read timeout; AWS suggests starting from an hour.
CLIENT_CONFIG = {"read_timeout": 3600, "retries": {"total_max_attempts": 1}}


def _error_code(error: BaseException) -> Any:
    # Read here rather than with amazon.aws's is_boto3_error_code(): AWSRetry.found() needs the code itself, and
    # amazon.aws's botocore.py imports boto3, which the controller would then load with the family files.
    response = getattr(error, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, Mapping) else None


def is_busy(error: BaseException) -> bool:
    """Whether a failed call is worth repeating: Bedrock or S3 (or a proxy in front of them) was busy."""
    code = _error_code(error)
    return code in RETRYABLE_ERROR_CODES or code in RETRYABLE_HTTP_STATUSES


def _refused_as_busy(error: BaseException) -> bool:
    # Bedrock's busy answers, and the other services' that AWSRetry itself retries (S3's InternalError, say).
    return is_busy(error) or AWSRetry.found(_error_code(error))


def is_transient(error: BaseException) -> bool:
    """Whether a failed call is retried: the service was busy, or the request could not even be sent."""
    return _refused_as_busy(error) or never_sent(error)


def retry_decorator() -> Any:
    """The jittered backoff every AWS call of this collection is retried with, while is_transient() says so.

    Busy answers and requests that never left (no connection) share one budget of RETRY_ATTEMPTS tries.
    """
    return retry_with_backoff(is_transient, RETRY_ATTEMPTS, RETRY_DELAY, RETRY_MAX_DELAY)


def retrying_client(module: Any, service: str, **config: Any) -> Any:
    """A boto3 client of service whose calls made with aws_retry=True are retried by retry_decorator().

    botocore's own retries are off and the read timeout long (CLIENT_CONFIG, then config); the task's aws_config
    is applied over both, so a user can still set the read timeout or botocore's retries.
    """
    return module.client(service, retry_decorator=retry_decorator(), config=dict(CLIENT_CONFIG, **config))


def retrying_bedrock_client(module: Any, **config: Any) -> Any:
    """retrying_client() for bedrock-runtime, the service InvokeModel belongs to."""
    return retrying_client(module, "bedrock-runtime", **config)


def _tries(count: int) -> str:
    return f"{count} {'try' if count == 1 else 'tries'}"


def with_retries(message: str, error: BaseException) -> str:
    """message, followed by why the call failed despite the retries and after how many tries, when it was retried."""
    retries = describe_retries(error)
    return f"{message} ({retries})" if retries else message


def failure_message(action: str, error: BaseException, runs_model: bool = False) -> str:
    """The task's message for a call that failed while doing action ("Failed to {action} ..."), saying why the
    retries did not help, or, for a call that runs a model (runs_model), that a lost answer was not asked for again.

    fail_json_aws appends the error's own text.
    """
    message = f"Failed to {action}"
    if describe_retries(error) or not runs_model:
        return with_retries(message, error)
    if isinstance(error, ReadTimeoutError):
        return (
            f"{message} (no answer within the read timeout; the request was not sent again, but the model may have "
            "run it; for longer generations raise aws_config's read_timeout)"
        )
    if isinstance(error, (IncompleteReadError, ResponseStreamingError)):
        return (
            f"{message} (the reply was cut off; the request was not sent again, but the model may have run it and "
            "its answer is lost)"
        )
    return message


def describe_retries(error: BaseException) -> Optional[str]:
    """Why a call failed despite retry_decorator(), and after how many tries, if it was a retried kind of error."""
    if _refused_as_busy(error):
        return f"still busy after {_tries(tries_made(error))}"
    if never_sent(error):
        return f"could not connect to the endpoint in {_tries(tries_made(error))}, so the request was not sent"
    return None
