# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SigV4 as Bedrock checks it, for servers started with ``--verify-sigv4``: the test key pairs and the check."""

from __future__ import annotations

import hashlib
import hmac
import re

from .core import Reply
from .core import error_reply

# Access keys the fake accepts when SigV4 verification is on, mapped to their secret keys.
TEST_CREDENTIALS = {"AKIDAMAZONAITEST": "amazon-ai-test-secret", "AKIDAMAZONAITOKEN": "amazon-ai-token-secret"}
# Keys listed here must present exactly this X-Amz-Security-Token; all other keys must present none.
TEST_SESSION_TOKENS = {"AKIDAMAZONAITOKEN": "amazon-ai-test-session-token"}

_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$"
)


def verify_sigv4(
    method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes, scheme: str = "http"
) -> Reply | None:
    """Check a request's SigV4 signature against TEST_CREDENTIALS; return the error reply, or None if it is valid.

    The signature is recomputed with botocore's own signer so that its quirks (the already percent-encoded
    path is quoted again, header values are whitespace-trimmed) are reproduced exactly.
    """
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    lookup: dict[str, str] = {}
    for name, value in headers:
        lookup.setdefault(name.lower(), value)
    authorization = lookup.get("authorization")
    if authorization is None:
        return error_reply(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    match = _AUTHORIZATION.match(authorization)
    if match is None:
        return error_reply(
            403,
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.",
        )
    credential, signed_headers, signature = match.groups()
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return error_reply(
            403, "IncompleteSignatureException", f"Credential should be scoped to a valid region, not '{credential}'."
        )
    access_key, date, region, service = scope[:4]
    secret = TEST_CREDENTIALS.get(access_key)
    if secret is None:
        return error_reply(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    expected_token = TEST_SESSION_TOKENS.get(access_key)
    token = lookup.get("x-amz-security-token")
    # An absent token and an empty one are the same thing; bytes so that odd header values cannot raise.
    if not hmac.compare_digest((token or "").encode("utf-8"), (expected_token or "").encode("utf-8")):
        return error_reply(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    if service != "bedrock":
        return error_reply(
            403, "InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'."
        )
    amz_date = lookup.get("x-amz-date", "")
    if not re.match(r"^\d{8}T\d{6}Z$", amz_date) or amz_date[:8] != date:
        return error_reply(
            403,
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
        )
    content_sha = lookup.get("x-amz-content-sha256")
    if content_sha not in (None, "UNSIGNED-PAYLOAD") and not content_sha.startswith("STREAMING-"):
        # botocore signs this header's value instead of hashing the body, so the body must be checked separately.
        if not hmac.compare_digest(content_sha, hashlib.sha256(body).hexdigest()):
            return error_reply(
                403,
                "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )

    # Rebuild the request from the headers the client said it signed, with the raw (still encoded) path.
    wanted = set(signed_headers.lower().split(";"))
    request = AWSRequest(method=method, url=f"{scheme}://{lookup.get('host', 'localhost')}{raw_path}", data=body)
    for name, value in headers:
        if name.lower() in wanted:
            request.headers[name] = value
    # The signer normally stamps "now"; pinning the context timestamp makes it reuse the client's X-Amz-Date.
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(access_key, secret, token), service, region)
    canonical_request = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical_request), request)
    if not hmac.compare_digest(expected, signature.lower()):
        return error_reply(
            403,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    return None
