# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service errors that every runtime API of the fake injects the same way, chosen by ``test.*`` model ids.

``test.throttle-N`` (and ``notready``, ``unavailable``, ``internal``) fails N times for that exact model id, then
lets the API answer; ``test.bare-STATUS-N`` and ``test.proxy-STATUS-N`` do the same with an answer from something in
front of Bedrock; ``test.validation``, ``test.denied``, ``test.notfound``, ``test.timeout``, ``test.modelerror`` and
``test.quota`` always fail. A test can add ".anything" to an id to make it unique.
"""

from __future__ import annotations

import http.client
import re

from .core import FaultCounters
from .core import Reply
from .core import error_reply
from .models import MALFORMED_MESSAGE

THROTTLING_MESSAGE = "Too many requests, please wait before trying again."
MAX_SLEEP = 300.0

_COUNTED_FAULT = re.compile(r"^test\.(throttle|notready|unavailable|internal)-(\d+)")
# An empty (bare) or HTML (proxy) error from something in front of Bedrock, N times, then an answer.
_FRONT_FAULT = re.compile(r"^test\.(bare|proxy)-([45]\d\d)-(\d+)(?=$|\.)")

# Status, error code and message of the counted faults, keyed by the word in the model id.
_COUNTED_FAULTS = {
    "throttle": (429, "ThrottlingException", THROTTLING_MESSAGE),
    "notready": (429, "ModelNotReadyException", "Model is not ready for inference. Wait and try your request again."),
    "unavailable": (503, "ServiceUnavailableException", "Service is unavailable. Try your request again later."),
    "internal": (500, "InternalServerException", "An internal server error occurred. Retry your request."),
}

# Faults that never go away, keyed by model id prefix.
_PERMANENT_FAULTS = {
    "test.validation": (400, "ValidationException", MALFORMED_MESSAGE),
    "test.denied": (403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
    "test.notfound": (404, "ResourceNotFoundException", "The specified model could not be found."),
    "test.timeout": (408, "ModelTimeoutException", "The model did not respond in time. Try again later."),
    "test.modelerror": (424, "ModelErrorException", "The model returned an error while processing the request."),
    "test.quota": (400, "ServiceQuotaExceededException", "Your request exceeded the service quota for the model."),
}

# Every error code the runtime APIs answer with here: status and message.
RUNTIME_ERRORS = {
    code: (status, message) for status, code, message in [*_COUNTED_FAULTS.values(), *_PERMANENT_FAULTS.values()]
}


def front_fault(kind: str, status: int) -> Reply:
    """An error from a proxy or load balancer in front of Bedrock: no error code, and an empty or HTML body."""
    if kind == "bare":
        return Reply(status, b"", None, from_bedrock=False)
    page = f"<html><body><h1>{status} {http.client.responses.get(status, 'Error')}</h1></body></html>"
    return Reply(status, page.encode("ascii"), "text/html", from_bedrock=False)


def service_fault(family: str, model_id: str, counters: FaultCounters) -> tuple[Reply | None, int] | None:
    """None when the id asks for no service error; else the error for this request (None once it has failed as
    often as asked, so the API answers) and the request's attempt number, so an answer can say how many it took.
    """
    match = _COUNTED_FAULT.match(family)
    if match:
        attempt = counters.next(model_id)
        fault = error_reply(*_COUNTED_FAULTS[match.group(1)])
        return (fault if attempt <= int(match.group(2)) else None), attempt
    match = _FRONT_FAULT.match(family)
    if match:
        attempt = counters.next(model_id)
        fault = front_fault(match.group(1), int(match.group(2)))
        return (fault if attempt <= int(match.group(3)) else None), attempt
    for prefix, (status, code, message) in _PERMANENT_FAULTS.items():
        if family.startswith(prefix):
            if code == "ModelErrorException":
                resource = f"arn:aws:bedrock:us-east-1::foundation-model/{family}"
                return error_reply(status, code, message, originalStatusCode=500, resourceName=resource), 1
            return error_reply(status, code, message), 1
    return None
