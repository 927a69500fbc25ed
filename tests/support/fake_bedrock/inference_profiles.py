# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inference profiles in the fake endpoint: the system-defined ones of catalogue.py and application ones.

API routes (rest-json, errors as ``x-amzn-ErrorType`` plus ``{"message"}``; checks in profile_rules.py):
``POST /inference-profiles`` (CreateInferenceProfile, 201), ``GET /inference-profiles`` (ListInferenceProfiles),
``GET /inference-profiles/{id or ARN}`` (GetInferenceProfile), ``DELETE /inference-profiles/{id or ARN}``
(DeleteInferenceProfile); there is no update. tagging.py tags application profiles (registered on create with the
request's tags, forgotten on delete). Every profile belongs to the region of the request's SigV4 credential scope
(us-east-1 when unsigned) and account 123456789012: another region sees neither it nor its ARN.

Rules (as the service has them, or as close as its documentation tells):

- Create: ``modelSource.copyFrom`` is the ARN of a catalogue foundation model offered in the request's region
  (``arn:aws:bedrock:REGION::foundation-model/ID``) or of a system-defined profile seen from it
  (``arn:aws:bedrock:REGION:123456789012:inference-profile/ID``): a bare id fails the pattern (ValidationException),
  an ARN of another region is a ValidationException, an unknown model or profile a ResourceNotFoundException. The
  new profile is ``arn:aws:bedrock:REGION:123456789012:application-inference-profile/ID`` (ID: 12 lower-case hex
  characters, the same for the same names in the same order after a reset), type APPLICATION, status ACTIVE, its
  ``models`` the model ARN copied, or every model ARN of the system profile copied. A name already used in the
  region: ConflictException. The same ``clientRequestToken`` with the same request answers the same profile; with
  another request, ConflictException (tokens are forgotten with their profile).
- Get and Delete take an id or an ARN, never a name (ResourceNotFoundException): find a profile by name by listing.
  Delete refuses a system-defined profile (ValidationException).
- List: without ``typeEquals`` the service lists SYSTEM_DEFINED profiles only (aws/aws-cli#9728): application
  profiles need ``typeEquals=APPLICATION``. System-defined first in the catalogue's order, application ones in the
  order they were made; pages of ``maxResults``, or of ``default_page_size`` (10) when it is not given, so a client
  must follow ``nextToken`` to the end.
- Invocation (``resolve_invocation()``, used by InvokeModel, Converse and batch jobs): an application profile's ARN
  answers as the system profile or model it copies; copied from a profile-only model's ARN it answers the on-demand
  refusal (as a single-region profile invokes the model on demand). Other ids go to ``catalogue.refusal()``.

Control route (never signed): ``GET|POST /_test/inference-profiles/config`` reads or changes
``{"default_page_size": N}``; the server's ``DELETE /_test/requests`` forgets every application profile and puts
the page size back to 10.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from typing import Any
from typing import Callable
from urllib.parse import parse_qsl
from urllib.parse import unquote

from . import catalogue
from . import profile_rules
from . import tagging
from .control_plane import ACCOUNT
from .control_plane import ServiceError
from .control_plane import Settings
from .control_plane import control_answer
from .control_plane import decode_token
from .control_plane import encode_token
from .control_plane import error
from .control_plane import iso
from .control_plane import json_body
from .control_plane import now
from .control_plane import request_region
from .core import Reply
from .core import Request
from .core import Route
from .core import json_bytes
from .tagging import TagStore


@dataclass
class ProfileConfig(Settings):
    """Knobs of the fake inference profiles; ``POST /_test/inference-profiles/config`` changes them at run time."""

    # ListInferenceProfiles' page size when the request sets no maxResults.
    default_page_size: int = 10

    def check(self, name: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise ValueError(f"{name} must be an integer from 1 to 1000")


@dataclass
class AppProfile:
    seq: int
    region: str
    profile_id: str
    request: dict[str, Any]
    model_arns: list[str]
    created: datetime.datetime

    @property
    def name(self) -> str:
        return self.request["inferenceProfileName"]

    @property
    def source(self) -> str:
        return self.request["modelSource"]["copyFrom"]

    @property
    def arn(self) -> str:
        return f"arn:aws:bedrock:{self.region}:{ACCOUNT}:application-inference-profile/{self.profile_id}"

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {"inferenceProfileName": self.name}
        if "description" in self.request:
            result["description"] = self.request["description"]
        result.update(
            {
                "createdAt": iso(self.created),
                "updatedAt": iso(self.created),
                "inferenceProfileArn": self.arn,
                "models": [{"modelArn": arn} for arn in self.model_arns],
                "inferenceProfileId": self.profile_id,
                "status": "ACTIVE",
                "type": "APPLICATION",
            }
        )
        return result


class ProfileStore:
    """The application inference profiles of one fake server, every region's."""

    def __init__(self, tags: TagStore | None = None) -> None:
        self.tags = tags if tags is not None else TagStore()
        self.lock = threading.Lock()
        self.profiles: dict[str, AppProfile] = {}
        self.config = ProfileConfig()
        self._seq = 0

    def reset(self) -> None:
        with self.lock:
            self.profiles.clear()
            self.tags.forget_where(lambda arn: ":application-inference-profile/" in arn)
            self.config = ProfileConfig()
            self._seq = 0

    def create(self, request: dict[str, Any], region: str) -> AppProfile:
        """The profile a (checked) create request names: made now, or made before with the same token."""
        token = request.get("clientRequestToken")
        without_token = {key: value for key, value in request.items() if key != "clientRequestToken"}
        with self.lock:
            for profile in self.profiles.values():
                if (
                    token is not None
                    and profile.region == region
                    and profile.request.get("clientRequestToken") == token
                ):
                    if {k: v for k, v in profile.request.items() if k != "clientRequestToken"} != without_token:
                        raise error(
                            "ConflictException", f"The clientRequestToken {token} was already used by another request."
                        )
                    return profile
            name = request["inferenceProfileName"]
            if any(profile.region == region and profile.name == name for profile in self.profiles.values()):
                raise error("ConflictException", f"An inference profile named {name} already exists.")
            model_arns = _source_models(request["modelSource"]["copyFrom"], region)
            self._seq += 1
            profile_id = hashlib.sha256(f"{region}\0{name}\0{self._seq}".encode("utf-8")).hexdigest()[:12]
            profile = AppProfile(self._seq, region, profile_id, json.loads(json.dumps(request)), model_arns, now())
            self.profiles[profile.arn] = profile
            self.tags.add(profile.arn, request.get("tags"))
            return profile

    def find(self, identifier: str, region: str) -> AppProfile | catalogue.SystemProfile:
        """The profile an id or ARN names, seen from ``region``, or ResourceNotFoundException."""
        parts = catalogue.parse_arn(identifier)
        kind, profile_id = ("", identifier) if parts is None else (parts[2], parts[3])
        if parts is None or (parts[0] == region and parts[1] == ACCOUNT):
            if kind in ("", "inference-profile"):
                system = catalogue.find_system_profile(profile_id, region)
                if system is not None:
                    return system
            if kind in ("", "application-inference-profile"):
                with self.lock:
                    profile = self.profiles.get(
                        f"arn:aws:bedrock:{region}:{ACCOUNT}:application-inference-profile/{profile_id}"
                    )
                if profile is not None:
                    return profile
        raise error("ResourceNotFoundException", f"The inference profile {identifier} could not be found.")

    def delete(self, identifier: str, region: str) -> None:
        profile = self.find(identifier, region)
        if isinstance(profile, catalogue.SystemProfile):
            raise error("ValidationException", f"The system-defined inference profile {identifier} can't be deleted.")
        with self.lock:
            self.profiles.pop(profile.arn, None)
            self.tags.forget(profile.arn)

    def list(self, query: dict[str, Any], region: str) -> dict[str, Any]:
        if query["type"] == "SYSTEM_DEFINED":
            items = [
                ((0, index), profile.summary(region)) for index, profile in enumerate(catalogue.system_profiles(region))
            ]
        else:
            with self.lock:
                mine = sorted((p for p in self.profiles.values() if p.region == region), key=lambda p: p.seq)
                items = [((1, profile.seq), profile.summary()) for profile in mine]
        if "nextToken" in query:
            after = decode_token(query["nextToken"])
            if not isinstance(after, list) or len(after) != 2:
                raise error("ValidationException", "The nextToken is not valid.")
            items = [item for item in items if list(item[0]) > after]
        size = query.get("maxResults", self.config.default_page_size)
        result: dict[str, Any] = {"inferenceProfileSummaries": [summary for dummy, summary in items[:size]]}
        if len(items) > size:
            result["nextToken"] = encode_token(list(items[size - 1][0]))
        return result

    def resolve_invocation(self, model_id: str, region: str) -> str:
        """The id the runtime answers for ``model_id`` (an application profile's ARN becomes the id of what it
        copies; any other id stays as it is), or the ServiceError the runtime refuses it with."""
        parts = catalogue.parse_arn(model_id)
        if parts is not None and parts[2] == "application-inference-profile":
            with self.lock:
                profile = self.profiles.get(model_id)
            if profile is None:
                return model_id  # Unknown: the runtime answers "The provided model identifier is invalid."
            source = catalogue.parse_arn(profile.source)
            assert source is not None
            if source[2] == "foundation-model":
                # A profile of one model in one region invokes it on demand.
                refusal = catalogue.refusal(profile.source, profile.region)
                if refusal is not None:
                    raise refusal
            return source[3]
        refusal = catalogue.refusal(model_id, region)
        if refusal is not None:
            raise refusal
        return model_id


def _source_models(source: str, region: str) -> list[str]:
    """The model ARNs of a profile copied from ``source`` (a checked copyFrom ARN) in ``region``."""
    parts = catalogue.parse_arn(source)
    assert parts is not None
    source_region, account, kind, source_id = parts
    if source_region != region:
        raise error("ValidationException", f"The model source {source} is not in the Region of the request, {region}.")
    if kind == "foundation-model":
        model = catalogue.find_model(source_id)
        if account == "" and model is not None and model.offered_in(region):
            return [model.arn(region)]
        raise error("ResourceNotFoundException", f"The foundation model {source} could not be found.")
    system = catalogue.find_system_profile(source_id, region)
    if account != ACCOUNT or system is None:
        raise error("ResourceNotFoundException", f"The inference profile {source} could not be found.")
    return system.model_arns()


def profile_store(server: Any) -> ProfileStore:
    """The server's application inference profiles (made on first use)."""
    # Taken first: server.state() holds its lock while it makes a state, so a factory must not call it again.
    tags = tagging.tag_store(server)
    return server.state("inference_profiles", lambda: ProfileStore(tags))


def resolve_invocation(request: Request, model_id: str) -> str:
    """What the runtime answers ``model_id`` as, for this request's region; raises the ServiceError it refuses with."""
    return profile_store(request.server).resolve_invocation(model_id, request_region(request.headers))


def _answer(operation: str, request: Request) -> Reply:
    store = profile_store(request.server)
    region = request_region(request.headers)
    query = dict(parse_qsl(request.query, keep_blank_values=True))
    try:
        if operation == "CreateInferenceProfile":
            body = json_body(request.body)
            profile_rules.check_create(body)
            profile = store.create(body, region)
            return Reply(201, json_bytes({"inferenceProfileArn": profile.arn, "status": "ACTIVE"}))
        if operation == "ListInferenceProfiles":
            return Reply(200, json_bytes(store.list(profile_rules.check_list(query), region)))
        identifier = unquote(request.match.group("profile"))
        profile_rules.check_identifier(identifier, query, operation)
        if operation == "DeleteInferenceProfile":
            store.delete(identifier, region)
            return Reply(200, b"{}")
        found = store.find(identifier, region)
        summary = found.summary() if isinstance(found, AppProfile) else found.summary(region)
        return Reply(200, json_bytes(summary))
    except ServiceError as exc:
        return exc.reply()


def _configure(request: Request, changes: dict[str, Any]) -> tuple[int, Any]:
    store = profile_store(request.server)
    with store.lock:
        return 200, store.config.configure(request.method, changes)


def _config(request: Request) -> Reply:
    return control_answer(request.body, lambda changes: _configure(request, changes))


def _api(operation: str) -> Callable[[Request], Reply]:
    return lambda request: _answer(operation, request)


_ONE = r"^/inference-profiles/(?P<profile>[^/]+)$"
ROUTES = [
    Route("POST", re.compile(r"^/inference-profiles$"), _api("CreateInferenceProfile"), "CreateInferenceProfile"),
    Route("GET", re.compile(r"^/inference-profiles$"), _api("ListInferenceProfiles"), "ListInferenceProfiles"),
    Route("GET", re.compile(_ONE), _api("GetInferenceProfile"), "GetInferenceProfile"),
    Route("DELETE", re.compile(_ONE), _api("DeleteInferenceProfile"), "DeleteInferenceProfile"),
] + [Route(method, re.compile(r"^/_test/inference-profiles/config$"), _config) for method in ("GET", "POST")]
