# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guardrails of one fake server: the DRAFT and numbered versions of each, their statuses on a pace a test sets,
idempotency tokens, quotas, and the test controls.

Pace. Create, update, version and delete start a transition (CREATING, UPDATING, VERSIONING on the new version,
DELETING on the whole guardrail) that ends (READY, FAILED, or gone) once GetGuardrail has shown it
``ready_after_reads`` times, or ``ready_after_seconds`` after it began, whichever comes first; a setting of null
leaves that way out, and with both null the transition lasts until ``POST /_test/guardrails/{id}/ready``. Only
GetGuardrail reads count (of the version in transition; of any version while the guardrail is DELETING). While the
DRAFT is CREATING or UPDATING, or a version is VERSIONING, UpdateGuardrail and CreateGuardrailVersion are refused
(ConflictException); CreateGuardrailVersion also needs a READY DRAFT. A version copies the DRAFT's configuration
(its description is the request's, or else the DRAFT's); numbers go 1, 2, ... and are never used again; a deleted
version goes at once.

Failures. An update ends FAILED (with statusReasons and failureRecommendations; its configuration is kept) when the
guardrail's name starts with ``fail-update-``, when the update's description contains ``[fail-update]``, or after
``POST /_test/guardrails/{id}/fail``. Names starting with ``fail-create-`` and ``fail-version-`` make the creation
and every new version end FAILED.
"""

from __future__ import annotations

import copy
import datetime
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .control_plane import ACCOUNT
from .control_plane import DEFAULT_REGION
from .control_plane import Settings
from .control_plane import decode_token
from .control_plane import encode_token
from .control_plane import error
from .control_plane import iso
from .control_plane import new_id
from .control_plane import now
from .guardrail_shapes import described_policies
from .tagging import TagStore

FAILURE_REASONS = ["The guardrail configuration could not be applied because of an internal error."]
FAILURE_RECOMMENDATIONS = ["Review the guardrail configuration, then update the guardrail again."]
FAIL_UPDATE_MARK = "[fail-update]"
TRANSITIONS = ("CREATING", "UPDATING", "VERSIONING", "DELETING")
# Members of CreateGuardrail and UpdateGuardrail that are not part of the guardrail's configuration.
_NOT_CONFIG = ("tags", "clientRequestToken", "guardrailIdentifier")


@dataclass
class GuardrailConfig(Settings):
    """Knobs of the fake guardrail service; ``POST /_test/guardrails/config`` changes them at run time."""

    # When a transition ends: after this many GetGuardrail reads showed it, or these seconds (null: never so).
    ready_after_reads: int | None = 1
    ready_after_seconds: float | None = None
    # ApplyGuardrail: seconds each call takes, and ThrottlingException above this many calls in flight (null: none).
    apply_latency: float = 0.0
    apply_max_in_flight: int | None = None
    # ListGuardrails: the page without maxResults, and the longest page whatever maxResults asks.
    page_size: int = 10
    max_page_size: int = 1000
    # "Guardrails per account" and "versions per guardrail" quotas.
    max_guardrails: int = 100
    max_versions: int = 20
    account: str = ACCOUNT
    region: str = DEFAULT_REGION

    def check(self, name: str, value: Any) -> None:
        if name in ("account", "region"):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a string")
            return
        nullable = name in ("ready_after_reads", "ready_after_seconds", "apply_max_in_flight")
        whole = name not in ("ready_after_seconds", "apply_latency")
        low = 1 if name in ("page_size", "max_page_size") else 0
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or value < low:
            kind = "an integer" if whole else "a number"
            raise ValueError(f"{name} must be {kind} of at least {low}" + (" or null" if nullable else ""))


@dataclass
class Version:
    """The DRAFT or a numbered version: its configuration (the request's members) and its status."""

    number: str
    config: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    description: str | None = None
    status: str = "READY"
    history: list[str] = field(default_factory=list)
    # The status a transition ends in (READY, FAILED, or DELETED: the guardrail goes), and when it ends.
    ends_in: str | None = None
    reads_left: int | None = None
    deadline: float | None = None
    failure: tuple[list[str], list[str]] | None = None
    reasons: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)


@dataclass
class Guardrail:
    seq: int
    guardrail_id: str
    arn: str
    region: str
    account: str
    draft: Version
    versions: dict[int, Version] = field(default_factory=dict)
    next_version: int = 1
    # Failures a test asked for, by operation (UpdateGuardrail, CreateGuardrailVersion): reasons, recommendations.
    failures: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.draft.config["name"]

    @property
    def deleting(self) -> bool:
        return self.draft.status == "DELETING"

    def every_version(self) -> list[Version]:
        return [self.draft, *(self.versions[number] for number in sorted(self.versions))]

    def describe(self, version: Version) -> dict[str, Any]:
        """The version as GetGuardrail answers (no tags: those are ListTagsForResource's)."""
        config = version.config
        result: dict[str, Any] = {"name": config["name"]}
        description = config.get("description") if version.number == "DRAFT" else version.description
        if description is not None:
            result["description"] = description
        result.update(
            {
                "guardrailId": self.guardrail_id,
                "guardrailArn": self.arn,
                "version": version.number,
                "status": "DELETING" if self.deleting else version.status,
                **described_policies(config, self.region, self.account),
                "createdAt": iso(version.created_at),
                "updatedAt": iso(version.updated_at),
                "statusReasons": list(version.reasons),
                "failureRecommendations": list(version.recommendations),
                "blockedInputMessaging": config["blockedInputMessaging"],
                "blockedOutputsMessaging": config["blockedOutputsMessaging"],
            }
        )
        return result

    def summary(self, version: Version) -> dict[str, Any]:
        """The version as a ListGuardrails summary."""
        described = self.describe(version)
        result = {"id": self.guardrail_id, "arn": self.arn}
        for name in ("status", "name", "description", "version", "createdAt", "updatedAt", "crossRegionDetails"):
            if name in described:
                result[name] = described[name]
        return result


class GuardrailStore:
    """Every guardrail of one fake server, by id, with the idempotency tokens and test controls."""

    def __init__(self, config: GuardrailConfig, tags: TagStore) -> None:
        self.defaults = copy.deepcopy(config)
        self.config = config
        self.tags = tags
        self.lock = threading.Lock()
        self.guardrails: dict[str, Guardrail] = {}
        self.create_tokens: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self.version_tokens: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
        self._seq = 0

    # --- the API (each call takes the lock) --------------------------------------------------------------------

    def create(self, request: dict[str, Any], region: str) -> dict[str, Any]:
        with self.lock:
            self._settle()
            token = request.get("clientRequestToken")
            if token in self.create_tokens:
                return self._replay(self.create_tokens[token], request, token)
            self._check_name(request["name"])
            if len(self.guardrails) >= self.config.max_guardrails:
                raise error(
                    "ServiceQuotaExceededException",
                    f"You have reached the quota of {self.config.max_guardrails} guardrails for your account.",
                )
            guardrail_id = new_id(self.guardrails)
            arn = f"arn:aws:bedrock:{region}:{self.config.account}:guardrail/{guardrail_id}"
            moment = now()
            draft = Version("DRAFT", _config(request), moment, moment)
            self._seq += 1
            guardrail = Guardrail(self._seq, guardrail_id, arn, region, self.config.account, draft)
            fails = request["name"].startswith("fail-create-")
            self._begin(draft, "CREATING", (FAILURE_REASONS, FAILURE_RECOMMENDATIONS) if fails else None)
            self.guardrails[guardrail_id] = guardrail
            self.tags.add(arn, request.get("tags"))
            answer = {"guardrailId": guardrail_id, "guardrailArn": arn, "version": "DRAFT", "createdAt": iso(moment)}
            if token is not None:
                self.create_tokens[token] = (copy.deepcopy(request), answer)
            return answer

    def get(self, identifier: str, number: str | None) -> dict[str, Any]:
        with self.lock:
            self._settle()
            guardrail = self._find(identifier)
            version = self._version(guardrail, number or "DRAFT")
            counted = guardrail.draft if guardrail.deleting else version
            answer = guardrail.describe(version)
            if counted.ends_in is not None and counted.reads_left is not None:
                counted.reads_left -= 1
            return answer

    def update(self, identifier: str, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._settle()
            guardrail = self._find(identifier)
            self._check_idle(guardrail, "updated")
            self._check_name(request["name"], guardrail)
            draft = guardrail.draft
            draft.config = _config(request)
            draft.updated_at = now()
            failure = guardrail.failures.pop("UpdateGuardrail", None)
            if failure is None and (
                guardrail.name.startswith("fail-update-") or FAIL_UPDATE_MARK in request.get("description", "")
            ):
                failure = (FAILURE_REASONS, FAILURE_RECOMMENDATIONS)
            self._begin(draft, "UPDATING", failure)
            return {
                "guardrailId": guardrail.guardrail_id,
                "guardrailArn": guardrail.arn,
                "version": "DRAFT",
                "updatedAt": iso(draft.updated_at),
            }

    def create_version(self, identifier: str, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._settle()
            guardrail = self._find(identifier)
            token = request.get("clientRequestToken")
            if token in self.version_tokens:
                owner, first, answer = self.version_tokens[token]
                return self._replay((first, answer), request, token, owner == guardrail.guardrail_id)
            self._check_idle(guardrail, "versioned")
            if guardrail.draft.status != "READY":
                raise error(
                    "ConflictException",
                    f"The guardrail {guardrail.guardrail_id} is {guardrail.draft.status}: only a READY DRAFT can be "
                    "versioned.",
                )
            if len(guardrail.versions) >= self.config.max_versions:
                raise error(
                    "ServiceQuotaExceededException",
                    f"You have reached the quota of {self.config.max_versions} versions for the guardrail "
                    f"{guardrail.guardrail_id}.",
                )
            number = guardrail.next_version
            guardrail.next_version += 1
            moment = now()
            description = request.get("description", guardrail.draft.config.get("description"))
            version = Version(str(number), copy.deepcopy(guardrail.draft.config), moment, moment, description)
            failure = guardrail.failures.pop("CreateGuardrailVersion", None)
            if failure is None and guardrail.name.startswith("fail-version-"):
                failure = (FAILURE_REASONS, FAILURE_RECOMMENDATIONS)
            self._begin(version, "VERSIONING", failure)
            guardrail.versions[number] = version
            answer = {"guardrailId": guardrail.guardrail_id, "version": str(number)}
            if token is not None:
                self.version_tokens[token] = (guardrail.guardrail_id, copy.deepcopy(request), answer)
            return answer

    def delete(self, identifier: str, number: str | None) -> None:
        with self.lock:
            self._settle()
            guardrail = self._find(identifier)
            if number is not None:
                version = self._version(guardrail, number)
                del guardrail.versions[int(version.number)]
                return
            if guardrail.deleting:
                raise error("ConflictException", f"The guardrail {guardrail.guardrail_id} is already being deleted.")
            self._begin(guardrail.draft, "DELETING", None, "DELETED")

    def list(self, query: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._settle()
            if "guardrailIdentifier" in query:
                guardrail = self._find(query["guardrailIdentifier"])
                scope = guardrail.guardrail_id
                items = [(_order(v), guardrail, v) for v in guardrail.every_version()]
            else:
                scope = ""
                items = [(g.seq, g, g.draft) for g in sorted(self.guardrails.values(), key=lambda g: g.seq)]
            if "nextToken" in query:
                position = decode_token(query["nextToken"])
                if not isinstance(position, list) or len(position) != 2 or position[0] != scope:
                    raise error("ValidationException", "The nextToken is not valid for this request.")
                items = [item for item in items if isinstance(position[1], int) and item[0] > position[1]]
            size = min(query.get("maxResults", self.config.page_size), self.config.max_page_size)
            page = items[:size]
            result: dict[str, Any] = {"guardrails": [guardrail.summary(version) for dummy, guardrail, version in page]}
            if len(items) > size:
                result["nextToken"] = encode_token([scope, page[-1][0]])
            return result

    def for_apply(self, identifier: str, number: str) -> tuple[Guardrail, Version]:
        """A READY version to evaluate content against, or the error. Shallow copies are enough for a caller without
        the lock: a configuration is replaced whole by an update, never changed in place.
        """
        with self.lock:
            self._settle()
            guardrail = self._find(identifier)
            version = self._version(guardrail, number)
            status = "DELETING" if guardrail.deleting else version.status
            if status != "READY":
                raise error(
                    "ValidationException",
                    f"The guardrail {guardrail.guardrail_id} version {number} is {status}, not READY, so it cannot be "
                    "applied.",
                )
            return copy.copy(guardrail), copy.copy(version)

    # --- test controls -----------------------------------------------------------------------------------------

    def finish(self, identifier: str) -> None:
        """End every transition of a guardrail now."""
        with self.lock:
            guardrail = self._by_any(identifier)
            for version in guardrail.every_version():
                if version.ends_in is not None:
                    self._end(guardrail, version)

    def fail_next(self, identifier: str, operation: str, reasons: list[str], recommendations: list[str]) -> None:
        with self.lock:
            self._by_any(identifier).failures[operation] = (reasons, recommendations)

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            self._settle()
            return [
                {
                    **guardrail.summary(guardrail.draft),
                    "versions": {
                        version.number: {
                            "status": version.status,
                            "history": list(version.history),
                            "readsLeft": version.reads_left if version.ends_in else None,
                        }
                        for version in guardrail.every_version()
                    },
                }
                for guardrail in sorted(self.guardrails.values(), key=lambda g: g.seq)
            ]

    def reset(self) -> None:
        with self.lock:
            self.guardrails.clear()
            self.create_tokens.clear()
            self.version_tokens.clear()
            self.tags.forget_where(lambda arn: ":guardrail/" in arn)
            self.config.__dict__.update(copy.deepcopy(self.defaults).__dict__)

    # --- helpers (the caller holds the lock) -------------------------------------------------------------------

    def _replay(
        self, first: tuple[dict[str, Any], dict[str, Any]], request: dict[str, Any], token: str, same: bool = True
    ) -> dict[str, Any]:
        if not same or first[0] != request:
            raise error("ConflictException", f"The clientRequestToken {token} was already used by another request.")
        return dict(first[1])

    def _check_name(self, name: str, itself: Guardrail | None = None) -> None:
        for other in self.guardrails.values():
            if other is not itself and other.name == name:
                raise error("ConflictException", f"A guardrail named {name} already exists.")

    def _check_idle(self, guardrail: Guardrail, doing: str) -> None:
        for version in guardrail.every_version():
            if version.status in TRANSITIONS:
                raise error(
                    "ConflictException",
                    f"The guardrail {guardrail.guardrail_id} cannot be {doing} while version {version.number} is "
                    f"{version.status}.",
                )

    def _find(self, identifier: str) -> Guardrail:
        guardrail = self.guardrails.get(identifier.rsplit("/", 1)[-1])
        if guardrail is None or (identifier.startswith("arn:") and identifier != guardrail.arn):
            raise error("ResourceNotFoundException", f"The guardrail {identifier} could not be found.")
        return guardrail

    def _by_any(self, identifier: str) -> Guardrail:
        for guardrail in self.guardrails.values():
            if identifier in (guardrail.name, guardrail.guardrail_id, guardrail.arn):
                return guardrail
        raise error("ResourceNotFoundException", f"No guardrail {identifier}.")

    def _version(self, guardrail: Guardrail, number: str) -> Version:
        version = guardrail.draft if number == "DRAFT" else guardrail.versions.get(int(number))
        if version is None:
            raise error(
                "ResourceNotFoundException",
                f"The guardrail {guardrail.guardrail_id} has no version {number}.",
            )
        return version

    def _begin(
        self,
        version: Version,
        status: str,
        failure: tuple[list[str], list[str]] | None,
        ends_in: str = "READY",
    ) -> None:
        version.status = status
        version.history.append(status)
        version.ends_in = "FAILED" if failure is not None else ends_in
        version.failure = failure
        version.reasons, version.recommendations = [], []
        version.reads_left = self.config.ready_after_reads
        seconds = self.config.ready_after_seconds
        version.deadline = time.monotonic() + seconds if seconds is not None else None

    def _settle(self) -> None:
        """End every transition that is due."""
        moment = time.monotonic()
        for guardrail in list(self.guardrails.values()):
            for version in guardrail.every_version():
                if version.ends_in is None:
                    continue
                if (version.reads_left is not None and version.reads_left <= 0) or (
                    version.deadline is not None and moment >= version.deadline
                ):
                    self._end(guardrail, version)

    def _end(self, guardrail: Guardrail, version: Version) -> None:
        if version.ends_in == "DELETED":
            self.guardrails.pop(guardrail.guardrail_id, None)
            self.tags.forget(guardrail.arn)
            return
        version.status = version.ends_in or version.status
        version.history.append(version.status)
        if version.failure is not None:
            version.reasons, version.recommendations = list(version.failure[0]), list(version.failure[1])
        version.ends_in = version.failure = version.reads_left = version.deadline = None


def _config(request: dict[str, Any]) -> dict[str, Any]:
    return {name: copy.deepcopy(value) for name, value in request.items() if name not in _NOT_CONFIG}


def _order(version: Version) -> int:
    return 0 if version.number == "DRAFT" else int(version.number)
