# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inference profile API's own request checks (botocore 1.44.8's service model ``bedrock/2023-04-20``), worded
as the service words them (control_plane.Checks). Patterns are matched whole.
"""

from __future__ import annotations

import re
from typing import Any

from .control_plane import IDEMPOTENCY_TOKEN
from .control_plane import Checks
from .control_plane import check_project
from .control_plane import error
from .tagging import check_tag_list

TYPES = ("SYSTEM_DEFINED", "APPLICATION")
NAME = re.compile(r"([0-9a-zA-Z][ _-]?)+")
DESCRIPTION = re.compile(r"([0-9a-zA-Z:.][ _-]?)+")
_PREFIX = r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
# modelSource.copyFrom: the ARN of a foundation model or of a system-defined inference profile (never a bare id).
SOURCE_ARN = re.compile(_PREFIX + r"(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+")
IDENTIFIER = re.compile(r"(" + _PREFIX + r"(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+")

_CREATE_MEMBERS = {"inferenceProfileName", "description", "clientRequestToken", "modelSource", "tags"}


def check_create(request: Any) -> None:
    """Raise ValidationException for a CreateInferenceProfile body the service would refuse."""
    if not isinstance(request, dict):
        raise error("ValidationException", "The request body must be a JSON object.")
    checks = Checks()
    for name in ("inferenceProfileName", "modelSource"):
        if name not in request:
            checks.fail(None, name, "Member must not be null")
    checks.raise_any()
    checks.string(request["inferenceProfileName"], "inferenceProfileName", NAME, 1, 64)
    if "description" in request:
        checks.string(request["description"], "description", DESCRIPTION, 1, 200)
    if "clientRequestToken" in request:
        checks.string(request["clientRequestToken"], "clientRequestToken", IDEMPOTENCY_TOKEN, 1, 256)
    source = request["modelSource"]
    if not isinstance(source, dict) or set(source) != {"copyFrom"}:
        checks.fail(source, "modelSource", "Member must set exactly one of the following keys: copyFrom")
    else:
        checks.string(source["copyFrom"], "modelSource.copyFrom", SOURCE_ARN, 1, 2048)
    if "tags" in request:
        check_tag_list(checks, request["tags"])
    checks.unknown(request, _CREATE_MEMBERS, "CreateInferenceProfile")
    checks.raise_any()


def check_identifier(identifier: str, query: dict[str, str], operation: str) -> None:
    """Check the {inferenceProfileIdentifier} of a path (and the query: projectIdentifier for a Get)."""
    checks = Checks()
    checks.string(identifier, "inferenceProfileIdentifier", IDENTIFIER, 1, 2048)
    checks.unknown(query, {"projectIdentifier"} if operation == "GetInferenceProfile" else set(), operation)
    checks.raise_any()
    check_project(query)


def check_list(query: dict[str, str]) -> dict[str, Any]:
    """The ListInferenceProfiles query (``maxResults``, ``nextToken``, ``type``, ``projectIdentifier``), typed."""
    checks = Checks()
    checks.unknown(query, {"maxResults", "nextToken", "type", "projectIdentifier"}, "ListInferenceProfiles")
    result: dict[str, Any] = {}
    checks.page(query, result)
    # The service lists only SYSTEM_DEFINED profiles when no type is given (aws/aws-cli#9728).
    result["type"] = query.get("type", "SYSTEM_DEFINED")
    checks.enum(result["type"], "typeEquals", TYPES)
    checks.raise_any()
    check_project(query)
    return result
