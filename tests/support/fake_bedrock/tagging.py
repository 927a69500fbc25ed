# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags of every taggable Bedrock resource of the fake (batch jobs, guardrails, inference profiles, ...), by ARN.

API routes: ``POST /tagResource``, ``POST /untagResource``, ``POST /listTagsForResource`` (body ``resourceARN``, and
``tags`` as ``[{key, value}]`` or ``tagKeys``), checked as the service checks them. An API that owns a resource
registers its ARN with ``tag_store(server).add(arn, tags)`` when it creates it, and removes it with ``forget(arn)``
when it deletes it; an ARN not registered is answered ResourceNotFoundException. The store lives on the server
(``server.state("tags", TagStore)``), so the server's reset clears it with every API's state.
"""

from __future__ import annotations

import re
import threading
from typing import Any
from typing import Callable

from .control_plane import Checks
from .control_plane import ServiceError
from .control_plane import error
from .control_plane import json_body
from .core import Reply
from .core import Request
from .core import Route
from .core import json_bytes

MAX_TAGS = 200
TAG_TEXT = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
RESOURCE_ARN = re.compile(r"arn:aws(-[^:]+)?:bedrock:[a-zA-Z0-9-]+:[0-9]{12}:[a-z-]+/[a-zA-Z0-9-:./]+")


def check_tag_list(checks: Checks, tags: Any, where: str = "tags") -> None:
    """Record why a list of ``{key, value}`` tags (of a create or TagResource request) is refused, if it is."""
    if not isinstance(tags, list) or len(tags) > MAX_TAGS:
        checks.fail(tags, where, f"Member must have length less than or equal to {MAX_TAGS}")
        return
    for index, tag in enumerate(tags, 1):
        if not isinstance(tag, dict) or "key" not in tag or "value" not in tag:
            checks.fail(tag, f"{where}.{index}.member", "Member must have key and value")
            continue
        checks.string(tag["key"], f"{where}.{index}.member.key", TAG_TEXT, 1, 128)
        checks.string(tag["value"], f"{where}.{index}.member.value", TAG_TEXT, 0, 256)


class TagStore:
    """The tags of every registered resource ARN of one fake server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tags: dict[str, dict[str, str]] = {}

    def add(self, arn: str, tags: list[dict[str, str]] | None = None) -> None:
        """Register a new resource with the tags of its create request (already checked)."""
        with self.lock:
            self.tags[arn] = {tag["key"]: tag["value"] for tag in tags or []}

    def forget(self, arn: str) -> None:
        with self.lock:
            self.tags.pop(arn, None)

    def forget_where(self, test: Callable[[str], bool]) -> None:
        """Forget every ARN test() accepts (an API resetting its own resources)."""
        with self.lock:
            for arn in [arn for arn in self.tags if test(arn)]:
                del self.tags[arn]

    def get(self, arn: str) -> dict[str, str]:
        with self.lock:
            return dict(self._find(arn))

    def reset(self) -> None:
        with self.lock:
            self.tags.clear()

    def _find(self, arn: Any) -> dict[str, str]:
        tags = self.tags.get(arn) if isinstance(arn, str) else None
        if tags is None:
            raise error("ResourceNotFoundException", f"The resource {arn} could not be found.")
        return tags

    def answer(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        checks = Checks()
        arn = request.get("resourceARN")
        checks.string(arn, "resourceARN", RESOURCE_ARN, 20, 1011)
        if operation == "TagResource":
            check_tag_list(checks, request.get("tags"))
        elif operation == "UntagResource":
            keys = request.get("tagKeys")
            if not isinstance(keys, list) or len(keys) > MAX_TAGS:
                checks.fail(keys, "tagKeys", f"Member must have length less than or equal to {MAX_TAGS}")
            else:
                for index, key in enumerate(keys, 1):
                    checks.string(key, f"tagKeys.{index}.member", TAG_TEXT, 1, 128)
        checks.raise_any()
        with self.lock:
            tags = self._find(arn)
            if operation == "ListTagsForResource":
                return {"tags": [{"key": key, "value": value} for key, value in tags.items()]}
            if operation == "TagResource":
                merged = dict(tags, **{tag["key"]: tag["value"] for tag in request["tags"]})
                if len(merged) > MAX_TAGS:
                    raise error("TooManyTagsException", f"The resource {arn} would have more than {MAX_TAGS} tags.")
                tags.update(merged)
            else:
                for key in request["tagKeys"]:
                    tags.pop(key, None)
            return {}


def tag_store(server: Any) -> TagStore:
    """The server's tag store (made on first use)."""
    return server.state("tags", TagStore)


def _api(operation: str) -> Callable[[Request], Reply]:
    def handle(request: Request) -> Reply:
        try:
            return Reply(200, json_bytes(tag_store(request.server).answer(operation, json_body(request.body))))
        except ServiceError as exc:
            return exc.reply()

    return handle


PATHS = ("/tagResource", "/untagResource", "/listTagsForResource")
ROUTES = [
    Route("POST", re.compile(f"^{path}$"), _api(operation), operation)
    for operation, path in zip(("TagResource", "UntagResource", "ListTagsForResource"), PATHS)
]
