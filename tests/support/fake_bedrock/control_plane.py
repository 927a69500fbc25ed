# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every control-plane API of the fake (``bedrock``, not ``bedrock-runtime``) shares: its errors, its request
checks worded as the service words them, and reading a JSON request body.

botocore checks required members, types, minimum lengths and minimum values on the client; the service checks the
rest (maximum lengths and values, patterns, enums), so a fake that skips them lets a client's bugs through. Patterns
are matched whole: the API reference prints them anchored, botocore's copy has the anchors stripped.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
from email.message import Message
from typing import Any

from .core import Reply
from .core import error_reply

# The account every resource of the fake belongs to, and the region of a request whose signature names none.
ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
PAGINATION_TOKEN = re.compile(r"\S*")
# A project (projectIdentifier of the listing and reading operations): the fake knows only "default".
PROJECT = re.compile(r"([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/[a-zA-Z0-9_-]+)")


def request_region(headers: Message, default: str = DEFAULT_REGION) -> str:
    """The region a request was signed for (its SigV4 credential scope), as the service reads it, else ``default``."""
    match = _REGION.search(headers.get("Authorization") or "")
    return match.group(1) if match else default


def iso(moment: datetime.datetime) -> str:
    """A time as the control plane writes it: ISO 8601, milliseconds, UTC."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now() -> datetime.datetime:
    # Milliseconds, as shown: a filter on a time a client read must compare with the same value.
    moment = datetime.datetime.now(datetime.timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def encode_token(after: Any) -> str:
    """An opaque nextToken that resumes a listing after ``after`` (JSON), as the service's tokens are opaque."""
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode("ascii")).decode("ascii")


def decode_token(token: str) -> Any:
    """What encode_token() was given, or a ValidationException for a token this fake did not make."""
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode("ascii")))["after"]
    except (ValueError, KeyError, TypeError):
        raise error("ValidationException", "The nextToken is not valid.") from None


class ServiceError(Exception):
    """An error the service answers with: HTTP status, error code (``x-amzn-ErrorType``) and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def reply(self) -> Reply:
        return error_reply(self.status, self.code, self.message)


# Status and default message of each error code of the control plane's operations (service model: Conflict and
# ServiceQuotaExceeded are 400, not 409/402).
ERRORS = {
    "ValidationException": (400, "Input validation failed. Check your request parameters and retry the request."),
    "ConflictException": (400, "The request conflicts with the current state of the resource."),
    "ServiceQuotaExceededException": (400, "Your request exceeds the service quota for your account."),
    "TooManyTagsException": (400, "The request contains more tags than can be associated with a resource."),
    "AccessDeniedException": (403, "You don't have access to perform this action."),
    "ResourceNotFoundException": (404, "The specified resource ARN was not found."),
    "ThrottlingException": (429, "Too many requests, please wait before trying again."),
    "InternalServerException": (500, "An internal server error occurred. Retry your request."),
}


def error(code: str, message: str | None = None) -> ServiceError:
    status, default = ERRORS[code]
    return ServiceError(status, code, message or default)


def json_body(body: bytes) -> dict[str, Any]:
    """A request's JSON object body ({} when empty), or a ValidationException."""
    try:
        value = json.loads(body.decode("utf-8")) if body.strip() else {}
    except ValueError:
        raise error("ValidationException", "The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise error("ValidationException", "The request body must be a JSON object.")
    return value


class Checks:
    """Collects constraint failures and words them like the service ("N validation errors detected: ...")."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def fail(self, value: Any, where: str, constraint: str) -> None:
        shown = value if isinstance(value, (str, int)) and not isinstance(value, bool) else repr(value)
        self.failures.append(f"Value '{shown}' at '{where}' failed to satisfy constraint: {constraint}")

    def string(
        self,
        value: Any,
        where: str,
        pattern: re.Pattern[str] | None = None,
        min_len: int = 0,
        max_len: int | None = None,
    ) -> None:
        if not isinstance(value, str):
            self.fail(value, where, "Member must be a string")
            return
        if len(value) < min_len:
            self.fail(value, where, f"Member must have length greater than or equal to {min_len}")
        elif max_len is not None and len(value) > max_len:
            self.fail(value, where, f"Member must have length less than or equal to {max_len}")
        elif pattern is not None and not pattern.fullmatch(value):
            self.fail(value, where, f"Member must satisfy regular expression pattern: {pattern.pattern}")

    def enum(self, value: Any, where: str, allowed: tuple[str, ...]) -> None:
        if value not in allowed:
            self.fail(value, where, f"Member must satisfy enum value set: [{', '.join(allowed)}]")

    def integer(self, value: Any, where: str, low: int, high: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(value, where, "Member must be an integer")
        elif value < low:
            self.fail(value, where, f"Member must have value greater than or equal to {low}")
        elif value > high:
            self.fail(value, where, f"Member must have value less than or equal to {high}")

    def query_integer(self, raw: str, where: str, low: int, high: int) -> Any:
        """A query string parameter that must be an integer from low to high: as sent, an int if it is one."""
        value: Any = int(raw) if re.fullmatch(r"-?\d{1,9}", raw) else raw
        self.integer(value, where, low, high)
        return value

    def unknown(self, request: dict[str, Any], known: set[str], operation: str) -> None:
        """Record every member (or query parameter) of the request that the operation does not have."""
        for name in sorted(set(request) - known):
            self.fail(request[name], name, f"Member is not part of the {operation} request")

    def raise_any(self) -> None:
        if self.failures:
            count = len(self.failures)
            noun = "validation error" if count == 1 else "validation errors"
            raise error("ValidationException", f"{count} {noun} detected: " + "; ".join(self.failures))


def check_project(query: dict[str, str]) -> None:
    """Check a request's projectIdentifier: the fake has no project but the account's own, ``default``."""
    if "projectIdentifier" not in query:
        return
    project = query["projectIdentifier"]
    checks = Checks()
    checks.string(project, "projectIdentifier", PROJECT, 1, 2048)
    checks.raise_any()
    if project != "default":
        raise error("ValidationException", f"The project {project} doesn't exist or is archived.")
