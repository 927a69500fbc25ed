# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""S3 behind the fake Bedrock endpoint's own URL, by forwarding to moto's server.

An Ansible task's ``endpoint_url`` is used by every client it builds, so the batch module's ``s3`` and ``bedrock``
clients talk to the same address. Requests are told apart by the service in their SigV4 credential scope
(``.../s3/aws4_request`` in the Authorization header or a presigned URL's ``X-Amz-Credential``), not by path: a
path-style S3 key such as ``/model-invocation-job/x`` would collide with the Bedrock routes.

``S3Upstream`` is also the fake's own S3 client (the batch jobs read their input and write their output through
it), plain HTTP without signing: moto's server does not check signatures.
"""

from __future__ import annotations

import http.client
import re
import threading
import xml.etree.ElementTree as ET
from typing import IO
from typing import Any
from typing import Iterable
from typing import Iterator
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import urlsplit

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")
_QUERY_SCOPE = re.compile(r"^[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request$")
# Headers that belong to one hop (RFC 9110 7.6.1); the proxy sets its own framing. "Expect: 100-continue" was
# already answered to the client (BaseHTTPRequestHandler does), and the body follows at once.
_HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
        "expect",
    )
)
_CHUNK = 256 * 1024
_S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
# moto refuses anonymous access to private buckets but checks no signature: any signed-looking request will do.
_SERVICE_ROLE_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDBEDROCKSERVICEROLE/20240101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=" + "0" * 64
)


def signed_service(headers: Any, query: str) -> str | None:
    """The service a request was signed for (``s3``, ``bedrock``...), or None for an unsigned request."""
    match = _SCOPE.search(headers.get("Authorization") or "")
    if match:
        return match.group(1)
    credential = parse_qs(query).get("X-Amz-Credential")
    if credential:
        match = _QUERY_SCOPE.match(credential[0])
        if match:
            return match.group(1)
    return None


class S3Error(Exception):
    """S3 answered an error (or could not be reached): the status and S3's error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code


class S3Upstream:
    """Plain HTTP to moto's S3 (path-style URLs), one keep-alive connection per thread."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the S3 upstream must be an http:// URL, not {url!r}")
        self.url = url.rstrip("/")
        self.host = parts.hostname
        self.port = parts.port or 80
        self._local = threading.local()

    def connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self._local.conn = conn
        return conn

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> http.client.HTTPResponse:
        """Send a request and return the response, its body unread; one retry on a stale keep-alive connection."""
        for attempt in (1, 2):
            conn = self.connection(fresh=attempt == 2)
            try:
                conn.request(method, path, body=body, headers={"Authorization": _SERVICE_ROLE_AUTH, **(headers or {})})
                return conn.getresponse()
            except (ConnectionError, http.client.HTTPException, OSError):
                # A keep-alive connection the server closed; a body that is a stream cannot be sent twice.
                if attempt == 2 or not (body is None or isinstance(body, bytes)):
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def object_path(bucket: str, key: str = "") -> str:
        return "/" + quote(bucket, safe="") + ("/" + quote(key, safe="/~") if key else "")

    def _fail(self, response: http.client.HTTPResponse) -> S3Error:
        data = response.read()
        code = f"HTTP{response.status}"
        message = data.decode("utf-8", "replace")[:500]
        try:
            root = ET.fromstring(data)
            code = root.findtext("Code") or code
            message = root.findtext("Message") or message
        except ET.ParseError:
            pass
        return S3Error(response.status, code, message)

    def head(self, bucket: str, key: str) -> int | None:
        """The size of an object, or None when there is no such object."""
        try:
            response = self.request("HEAD", self.object_path(bucket, key))
        except OSError as exc:
            raise S3Error(503, "ServiceUnavailable", f"S3 upstream unreachable: {exc}") from None
        response.read()
        if response.status == 200:
            return int(response.getheader("Content-Length") or 0)
        if response.status == 404:
            return None
        raise S3Error(response.status, f"HTTP{response.status}", f"HEAD {bucket}/{key} failed")

    def list_keys(self, bucket: str, prefix: str) -> Iterator[tuple[str, int]]:
        """(key, size) of every object under ``prefix``, following ListObjectsV2's continuation tokens."""
        token = None
        while True:
            query = "list-type=2&max-keys=1000&prefix=" + quote(prefix, safe="")
            if token:
                query += "&continuation-token=" + quote(token, safe="")
            response = self.request("GET", self.object_path(bucket) + "?" + query)
            if response.status != 200:
                raise self._fail(response)
            root = ET.fromstring(response.read())
            for item in root.iter(_S3_NS + "Contents"):
                yield item.findtext(_S3_NS + "Key") or "", int(item.findtext(_S3_NS + "Size") or 0)
            if root.findtext(_S3_NS + "IsTruncated") != "true":
                return
            token = root.findtext(_S3_NS + "NextContinuationToken")

    def open(self, bucket: str, key: str) -> http.client.HTTPResponse:
        """A streaming GET of an object; read it to the end (or close it) before the next request on this thread."""
        response = self.request("GET", self.object_path(bucket, key))
        if response.status != 200:
            raise self._fail(response)
        return response

    def put(
        self,
        bucket: str,
        key: str,
        chunks: Iterable[bytes],
        length: int,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        headers = {"Content-Length": str(length), "Content-Type": content_type, **(extra_headers or {})}
        response = self.request("PUT", self.object_path(bucket, key), body=iter(chunks), headers=headers)
        if response.status != 200:
            raise self._fail(response)
        response.read()


def _relay_body(source: IO[bytes], length: int | None, write: Any) -> None:
    """Copy ``length`` bytes (or up to EOF) from ``source`` to ``write`` in chunks."""
    remaining = length
    while remaining is None or remaining > 0:
        data = source.read(_CHUNK if remaining is None else min(_CHUNK, remaining))
        if not data:
            break
        if remaining is not None:
            remaining -= len(data)
        write(data)


def forward(handler: Any, upstream: S3Upstream, body: bytes | None = None) -> None:
    """Send the handler's request to moto and stream moto's reply back to the client: its body still unread, or
    already read (``body``)."""
    headers = {name: value for name, value in handler.headers.items() if name.lower() not in _HOP_BY_HOP}
    conn = upstream.connection(fresh=True)
    conn.putrequest(handler.command, handler.path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    chunked = body is None and "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower()
    length = len(body) if body is not None else int(handler.headers.get("Content-Length") or 0)
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    elif length or handler.command in ("PUT", "POST"):
        conn.putheader("Content-Length", str(length))
    conn.endheaders()
    if chunked:
        while True:
            line = handler.rfile.readline()
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                conn.send(b"0\r\n\r\n")
                break
            conn.send(b"%x\r\n" % size + handler.rfile.read(size) + b"\r\n")
            handler.rfile.readline()
    elif body:
        conn.send(body)
    elif length:
        _relay_body(handler.rfile, length, conn.send)
    response = conn.getresponse()
    handler.send_response_only(response.status, response.reason)
    reply_length = response.getheader("Content-Length")
    for name, value in response.getheaders():
        if name.lower() not in _HOP_BY_HOP:
            handler.send_header(name, value)
    no_body = handler.command == "HEAD" or response.status in (204, 304)
    if reply_length is not None or no_body:
        handler.send_header("Content-Length", reply_length or "0")
        handler.end_headers()
        if not no_body:
            _relay_body(response, int(reply_length or 0), handler.wfile.write)
    else:
        # No length known: relay until the upstream closes, then close ours too.
        handler.send_header("Connection", "close")
        handler.end_headers()
        _relay_body(response, None, handler.wfile.write)
        handler.close_connection = True
    response.close()
    handler.log_request(response.status)
