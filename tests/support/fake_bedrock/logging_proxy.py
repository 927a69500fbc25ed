# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Model invocation logging through the fake's address: moto's server (the ``--s3-upstream``) answers it.

``PUT``, ``GET`` and ``DELETE /logging/modelinvocations`` (Put/Get/DeleteModelInvocationLoggingConfiguration) are
recorded with their operation name, checked for SigV4 (``--verify-sigv4``) and for the faults a test queued
(operation_faults.py), then forwarded as they came, signature and all, to moto, which keeps one configuration per
account and region as the service does. Without an upstream they answer 404 UnknownOperationException.

The server's ``DELETE /_test/requests`` deletes the configuration moto keeps in each region this fake saw a Put for.
moto checks nothing of what it is sent (see the tests): the service's checks are the module's to make.
"""

from __future__ import annotations

import threading

from .s3_proxy import S3Upstream

PATH = "/logging/modelinvocations"
OPERATIONS = {
    "PUT": "PutModelInvocationLoggingConfiguration",
    "GET": "GetModelInvocationLoggingConfiguration",
    "DELETE": "DeleteModelInvocationLoggingConfiguration",
}


def operation(method: str, path: str) -> str | None:
    """The logging operation a request is, or None."""
    return OPERATIONS.get(method) if path == PATH else None


def _auth(region: str) -> str:
    # moto picks the service and region from the credential scope and checks no signature.
    return (
        f"AWS4-HMAC-SHA256 Credential=AKIDAMAZONAIFAKE/20240101/{region}/bedrock/aws4_request, "
        "SignedHeaders=host, Signature=" + "0" * 64
    )


class LoggingRegions:
    """The regions a configuration was put in through this fake, so that a reset can delete them at moto."""

    def __init__(self, upstream: S3Upstream | None) -> None:
        self.upstream = upstream
        self._lock = threading.Lock()
        self._regions: set[str] = set()

    def saw_put(self, region: str) -> None:
        with self._lock:
            self._regions.add(region)

    def reset(self) -> None:
        with self._lock:
            regions, self._regions = sorted(self._regions), set()
        if self.upstream is None:
            return
        for region in regions:
            try:
                self.upstream.request("DELETE", PATH, headers={"Authorization": _auth(region)}).read()
            except OSError:
                pass  # moto gone: nothing left to delete.
