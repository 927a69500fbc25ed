# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every control-plane API of the fake (``bedrock``, not ``bedrock-runtime``) shares: its errors, its request
checks worded as the service words them (one by one, or against a shape of the service model), reading a JSON
request body; the account, the region a request was signed for, resource ids, times as the service writes them and
opaque page tokens; and for the test controls, the settings a control route changes (Settings) and the answer of a
control route (control_answer()).

botocore checks required members, types, minimum lengths and minimum values on the client; the service checks the
rest (maximum lengths and values, patterns, enums), so a fake that skips them lets a client's bugs through. Patterns
are matched whole: the API reference prints them anchored, botocore's copy has the anchors stripped.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime
import json
import re
import secrets
import string
from dataclasses import dataclass
from dataclasses import field
from email.message import Message
from typing import Any
from typing import Callable
from typing import Container
from typing import Mapping
from typing import Union

from .core import Reply
from .core import error_reply
from .core import json_bytes

# The account every resource of the fake belongs to, and the region of a request whose signature names none.
ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
PAGINATION_TOKEN = re.compile(r"\S*")
# The service model's IdempotencyToken: the clientRequestToken of a guardrail's or an inference profile's create.
IDEMPOTENCY_TOKEN = re.compile(r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?")
_ID_ALPHABET = string.ascii_lowercase + string.digits
# A project (projectIdentifier of the listing and reading operations): the fake knows only "default".
PROJECT = re.compile(r"([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/[a-zA-Z0-9_-]+)")


def request_region(headers: Message, default: str = DEFAULT_REGION) -> str:
    """The region a request was signed for (its SigV4 credential scope), as the service reads it, else ``default``."""
    match = _REGION.search(headers.get("Authorization") or "")
    return match.group(1) if match else default


def new_id(taken: Container[str], length: int = 12) -> str:
    """A resource id of the service's form (lower-case letters and digits) that ``taken`` does not hold."""
    while True:
        candidate = "".join(secrets.choice(_ID_ALPHABET) for dummy in range(length))
        if candidate not in taken:
            return candidate


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


def control_answer(body: bytes, handle: Callable[[dict[str, Any]], tuple[int, Any]]) -> Reply:
    """The answer of a control route: ``handle`` gets its body as a JSON object and gives (status, JSON payload); a
    ValueError it raises is a 400, a ServiceError its own status, each with a message.
    """
    try:
        request = json.loads(body) if body.strip() else {}
    except ValueError:
        request = None
    try:
        if not isinstance(request, dict):
            raise ValueError("the body must be a JSON object")
        status, payload = handle(request)
    except ValueError as exc:
        status, payload = 400, {"message": str(exc)}
    except ServiceError as exc:
        status, payload = exc.status, {"message": exc.message}
    return Reply(status, json_bytes(payload))


class Settings:
    """The knobs of a fake service (a dataclass deriving from this), changed all or nothing by a control route."""

    def check(self, name: str, value: Any) -> None:
        """Raise ValueError when ``value`` does not suit the setting ``name``."""
        raise NotImplementedError

    def update(self, changes: Any) -> None:
        if not isinstance(changes, dict):
            raise ValueError("the configuration must be a JSON object")
        names = {item.name for item in dataclasses.fields(self)}  # type: ignore[arg-type]
        for name, value in changes.items():
            if name not in names:
                raise ValueError(f"unknown setting {name!r} (one of {', '.join(sorted(names))})")
            self.check(name, value)
        for name, value in changes.items():
            setattr(self, name, value)

    def configure(self, method: str, changes: dict[str, Any]) -> dict[str, Any]:
        """The payload of a config control route: a POST's changes made (all or nothing), then every setting."""
        if method == "POST":
            self.update(changes)
        return self.snapshot()

    def snapshot(self) -> dict[str, Any]:
        return {item.name: copy.deepcopy(getattr(self, item.name)) for item in dataclasses.fields(self)}  # type: ignore


@dataclass(frozen=True)
class Text:
    """A string member of a service model shape: its length limits and pattern (matched whole)."""

    min_len: int = 0
    max_len: int | None = None
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class OneOf:
    """An enum member: the values the model lists."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class Number:
    """A double (or integer) member and its range."""

    low: float
    high: float | None = None


@dataclass(frozen=True)
class Flag:
    """A boolean member."""


@dataclass(frozen=True)
class Items:
    """A list member: the shape of each item and the list's length limits."""

    item: Shape
    min_len: int = 0
    max_len: int | None = None


@dataclass(frozen=True)
class Struct:
    """A structure: its members' shapes, the required ones, and whether exactly one member is set (a union)."""

    members: Mapping[str, Shape] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    union: bool = False


Shape = Union[Text, OneOf, Number, Flag, Items, Struct]


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

    def number(self, value: Any, where: str, low: float, high: float | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(value, where, "Member must be a number")
        elif value < low:
            self.fail(value, where, f"Member must have value greater than or equal to {low}")
        elif high is not None and value > high:
            self.fail(value, where, f"Member must have value less than or equal to {high}")

    def shape(self, value: Any, shape: Shape, where: str) -> None:
        """Check a value (of a JSON body) against a shape of the service model, member by member."""
        if isinstance(shape, Text):
            self.string(value, where, shape.pattern, shape.min_len, shape.max_len)
        elif isinstance(shape, OneOf):
            self.enum(value, where, shape.values)
        elif isinstance(shape, Number):
            self.number(value, where, shape.low, shape.high)
        elif isinstance(shape, Flag):
            if not isinstance(value, bool):
                self.fail(value, where, "Member must be a boolean")
        elif isinstance(shape, Items):
            self._items(value, shape, where)
        else:
            self._struct(value, shape, where)

    def _items(self, value: Any, shape: Items, where: str) -> None:
        if not isinstance(value, list):
            self.fail(value, where, "Member must be a list")
        elif len(value) < shape.min_len:
            self.fail(value, where, f"Member must have length greater than or equal to {shape.min_len}")
        elif shape.max_len is not None and len(value) > shape.max_len:
            self.fail(value, where, f"Member must have length less than or equal to {shape.max_len}")
        else:
            for index, item in enumerate(value, 1):
                self.shape(item, shape.item, f"{where}.{index}.member")

    def _struct(self, value: Any, shape: Struct, where: str) -> None:
        prefix = f"{where}." if where else ""
        if not isinstance(value, dict):
            self.fail(value, where, "Member must be a structure")
            return
        if shape.union and len(value) != 1:
            self.fail(value, where, f"Member must set exactly one of the following keys: {', '.join(shape.members)}")
        for name in shape.required:
            if value.get(name) is None:
                self.fail(None, prefix + name, "Member must not be null")
        for name, item in value.items():
            if name not in shape.members:
                self.fail(item, prefix + name, "Member is not part of the request")
            elif item is not None:
                self.shape(item, shape.members[name], prefix + name)

    def page(self, query: dict[str, str], result: dict[str, Any]) -> None:
        """Check a List operation's ``maxResults`` (1 to 1000) and ``nextToken`` query parameters into ``result``."""
        if "maxResults" in query:
            result["maxResults"] = self.query_integer(query["maxResults"], "maxResults", 1, 1000)
        if "nextToken" in query:
            self.string(query["nextToken"], "nextToken", PAGINATION_TOKEN, 1, 2048)
            result["nextToken"] = query["nextToken"]

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
