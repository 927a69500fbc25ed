# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every amazon.ai module uses: its two errors, the checks of input Bedrock shares between its APIs, and their
limits. The JSON codec of request bodies and replies is json_codec.py's, which builds on these errors.

A leaf: it imports nothing of this collection, so that every module family (invoke_model.py, converse.py,
model_invocation_job.py, ...) and the controller-side code (plugin_utils/) can build on it. A check_* function
refuses bad input with BedrockParameterError naming the option; nothing in this file calls AWS.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import Optional
from typing import Pattern
from typing import Tuple

# InvokeModel's own limits on a model id and request metadata (botocore service model).
MAX_MODEL_ID_LENGTH = 2048
MAX_REQUEST_METADATA_LENGTH = 8500
# The control plane's S3Uri, IAM role ARNs and tags (botocore's bedrock service model, shared by its resources).
MAX_S3_URI_LENGTH = 1024
MAX_ROLE_ARN_LENGTH = 2048
MAX_TAGS = 200
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256

# The API accepts a positive version number of up to eight digits, or DRAFT (matched whole: no trailing newline).
GUARDRAIL_VERSION_PATTERN = re.compile(r"[1-9][0-9]{0,7}|DRAFT")
# GuardrailId and GuardrailArn (botocore's bedrock model); a GuardrailIdentifier is either, at most 2048 characters.
GUARDRAIL_ID_PATTERN = re.compile(r"[a-z0-9]+")
GUARDRAIL_ARN_PATTERN = re.compile(r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+")
MAX_GUARDRAIL_IDENTIFIER_LENGTH = 2048
# An HTTP field value (RFC 9110): visible ASCII, with spaces or tabs only between visible characters.
HEADER_VALUE_PATTERN = re.compile(r"[\x21-\x7e](?:[\x20\x21-\x7e\t]*[\x21-\x7e])?")
# Model ids, inference profile ids and ARNs are visible ASCII with no spaces.
MODEL_ID_PATTERN = re.compile(r"[\x21-\x7e]+")
ROLE_ARN_PATTERN = re.compile(r"arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+")
TAG_PATTERN = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
S3_SCHEME = "s3://"
# S3's rules for the name of a general purpose bucket (of which the service model's BucketName holds the length, and
# S3Uri the pattern): no bucket has a name outside them, so whatever Bedrock is asked to read or write there would fail.
MAX_BUCKET_NAME_LENGTH = 63
S3_BUCKET_PATTERN = re.compile(r"[a-z0-9][-.a-z0-9]{1,61}[a-z0-9]")
BUCKET_NAME_RULE = "3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"
IP_ADDRESS_PATTERN = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
S3_KEY_SEGMENT_PATTERN = re.compile(r"[-!_*'().a-zA-Z0-9]+")
# The control plane's S3Uri, matched whole as the service does: the last word on what it accepts.
S3_URI_PATTERN = re.compile(
    r"s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?"
)
# bedrock-runtime's S3Uri (an object a Converse block reads): any key at all.
S3_OBJECT_URI_PATTERN = re.compile(r"s3://[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](/.*)?", re.DOTALL)
# Client request tokens: a prefix naming the collection, then part of a digest (the service takes 1 to 256
# letters, digits and inner hyphens).
TOKEN_PREFIX = "amazonai-"
TOKEN_DIGEST_LENGTH = 48


# The options of a runtime request that InvokeModel and Converse share, as their modules declare them.
RUNTIME_OPTIONS: Dict[str, Dict[str, Any]] = {
    "guardrail_identifier": {"type": "str"},
    "guardrail_version": {"type": "str"},
    "performance_config_latency": {"type": "str", "choices": ["standard", "optimized"], "default": "standard"},
    "service_tier": {"type": "str", "choices": ["priority", "default", "flex", "reserved"]},
    "request_metadata": {"type": "dict"},
}


class BedrockParameterError(ValueError):
    """The task's options cannot make a valid request; raised before anything is sent."""


class BedrockReplyError(Exception):
    """Bedrock's reply cannot be trusted to be whole; the model may have run, but its answer is not returned."""


def invalid_task_message(problem: str, subject: Optional[str] = None) -> str:
    """The one message of a task refused before anything was sent, on the controller or in the module."""
    about = f" for {subject}" if subject else ""
    return f"Invalid task{about}, nothing was sent: {problem}"


def request_id(response: Mapping) -> Optional[str]:
    """The request id AWS gave a reply, from botocore's metadata or else the raw header; None when it sent none."""
    metadata = response.get("ResponseMetadata") or {}
    return metadata.get("RequestId") or (metadata.get("HTTPHeaders") or {}).get("x-amzn-requestid") or None


# Checks of what several APIs take -----------------------------------------------------------------------------------


def check_header_value(option: str, value: str) -> None:
    """Refuse, naming option, a value that cannot be sent as an HTTP header field's value."""
    if not HEADER_VALUE_PATTERN.fullmatch(value):
        raise BedrockParameterError(
            f"{option} {value!r} cannot be sent as an HTTP header: use visible ASCII characters only, with no "
            "control characters and no white space at either end"
        )


def check_model_id(model_id: Optional[str]) -> None:
    """Refuse a model_id that is not a model id, inference profile id or ARN."""
    if not model_id or not model_id.strip():
        raise BedrockParameterError("model_id must not be empty")
    if model_id != model_id.strip():
        raise BedrockParameterError(f"model_id {model_id!r} starts or ends with white space")
    if len(model_id) > MAX_MODEL_ID_LENGTH:
        raise BedrockParameterError(
            f"model_id is {len(model_id)} characters long; the API accepts at most {MAX_MODEL_ID_LENGTH}"
        )
    if not MODEL_ID_PATTERN.fullmatch(model_id):
        raise BedrockParameterError(
            f"model_id {model_id!r} is not a model id, inference profile id or ARN: they are visible ASCII "
            "characters with no white space"
        )
    if model_id in (".", ".."):
        # Sent as the path /model/../invoke, which a path-normalizing proxy would read as another URL.
        raise BedrockParameterError(f"model_id {model_id!r} is not a model id")


def check_guardrail_pair(params: Mapping) -> None:
    """Refuse guardrail_identifier and guardrail_version unless both are set, or neither."""
    identifier, version = params.get("guardrail_identifier"), params.get("guardrail_version")
    if identifier is not None and not identifier.strip():
        raise BedrockParameterError("guardrail_identifier must not be empty; leave it unset to use no guardrail")
    if (identifier is None) != (version is None):
        raise BedrockParameterError("guardrail_identifier and guardrail_version go together: set both or neither")


def check_guardrail_version(version: Optional[str], option: str = "guardrail_version") -> None:
    """Refuse a guardrail version (option) that is neither a version number nor DRAFT."""
    if version is not None and not GUARDRAIL_VERSION_PATTERN.fullmatch(version):
        raise BedrockParameterError(f"{option} must be a version number (1, 2, ...) or DRAFT, not {version!r}")


def check_guardrail_identifier(identifier: Any) -> None:
    """Refuse a guardrail_identifier that is not a guardrail id or ARN."""
    if not isinstance(identifier, str) or not identifier:
        raise BedrockParameterError("guardrail_identifier must be a guardrail id or ARN, not empty")
    if len(identifier) > MAX_GUARDRAIL_IDENTIFIER_LENGTH:
        raise BedrockParameterError(
            f"guardrail_identifier is {len(identifier)} characters long; the API takes at most "
            f"{MAX_GUARDRAIL_IDENTIFIER_LENGTH}"
        )
    if not (GUARDRAIL_ID_PATTERN.fullmatch(identifier) or GUARDRAIL_ARN_PATTERN.fullmatch(identifier)):
        raise BedrockParameterError(
            f"guardrail_identifier {identifier!r} is not a guardrail id (lower-case letters and digits, such as "
            "bedrock_guardrail's guardrail_id) or a guardrail ARN (arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID)"
        )


def check_guardrail(params: Mapping) -> None:
    """Refuse guardrail_identifier and guardrail_version unless both are set, and set to what the API takes."""
    check_guardrail_pair(params)
    check_guardrail_version(params.get("guardrail_version"))


def check_request_metadata(metadata: Mapping, option: str = "request_metadata") -> None:
    """Refuse request metadata that is not a mapping of strings to strings."""
    wrong = [key for key, value in metadata.items() if not isinstance(key, str) or not isinstance(value, str)]
    if wrong:
        raise BedrockParameterError(
            f"{option} must map strings to strings (quote numbers and booleans); "
            f"not a string: {', '.join(repr(key) for key in wrong)}"
        )


def encode_request_metadata(metadata: Mapping) -> str:
    """The X-Amzn-Bedrock-Request-Metadata value: a JSON object of string keys and string values."""
    check_request_metadata(metadata)
    # ASCII-only JSON: every other character is escaped, so the header carries nothing but visible ASCII.
    encoded = json.dumps(metadata, separators=(",", ":"))
    if len(encoded) > MAX_REQUEST_METADATA_LENGTH:
        raise BedrockParameterError(
            f"request_metadata is {len(encoded)} characters long encoded as JSON; "
            f"Bedrock accepts at most {MAX_REQUEST_METADATA_LENGTH}"
        )
    return encoded


def check_name(option: str, value: Any, pattern: Pattern[str], max_length: int, what: str, rule: str) -> None:
    """Refuse, naming option, a value that is not a name of what (at most max_length characters matching pattern).

    rule says in words what pattern allows.
    """
    if not isinstance(value, str) or not value:
        raise BedrockParameterError(f"{option} must be {_a(what)}, not {value!r}")
    if len(value) > max_length:
        raise BedrockParameterError(f"{option} is {len(value)} characters long; {what}s have at most {max_length}")
    if not pattern.fullmatch(value):
        raise BedrockParameterError(f"{option} {value!r} is not a valid {what}: {rule}")


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def check_bucket_name(option: str, bucket: Any) -> None:
    """Refuse, naming option, what S3's naming rules allow as the name of no (general purpose) bucket."""
    flaw = None
    if isinstance(bucket, str) and len(bucket) <= MAX_BUCKET_NAME_LENGTH:
        # The two slips people make most are said as such, rather than as the whole rule.
        if bucket != bucket.lower():
            flaw = "it has upper-case letters"
        elif "_" in bucket:
            flaw = "it has an underscore"
    if flaw is None:
        check_name(option, bucket, S3_BUCKET_PATTERN, MAX_BUCKET_NAME_LENGTH, "bucket name", BUCKET_NAME_RULE)
        flaw = _bucket_name_flaw(bucket)
    if flaw is not None:
        raise BedrockParameterError(f"{option} {bucket!r} is not a valid bucket name: {flaw}")


def _bucket_name_flaw(bucket: str) -> Optional[str]:
    """What S3's rules refuse in a name S3_BUCKET_PATTERN matches, or None."""
    if ".." in bucket:
        return "it has two periods in a row"
    if IP_ADDRESS_PATTERN.fullmatch(bucket):
        return "it is an IP address"
    for prefix in RESERVED_BUCKET_PREFIXES:
        if bucket.startswith(prefix):
            return f"S3 keeps names starting with {prefix!r} for itself"
    for suffix in RESERVED_BUCKET_SUFFIXES:
        if bucket.endswith(suffix):
            return f"S3 keeps names ending with {suffix!r} for itself"
    return None


def split_s3_uri(uri: str) -> Tuple[str, str]:
    """(bucket, key) of an s3:// URI already checked."""
    bucket, dummy, key = uri.split("://", 1)[1].partition("/")
    return bucket, key


def check_s3_uri(option: str, uri: Any, any_key: bool = False) -> Tuple[str, str]:
    """(bucket, key) of an S3 URI Bedrock accepts; BedrockParameterError naming option and the reason otherwise.

    The control plane (batch jobs, ...) takes keys of letters, digits and - ! _ * ' ( ) . only; with any_key, the
    runtime's objects (a Converse block's s3Location) may have any key.
    """
    if not isinstance(uri, str) or not uri.startswith(S3_SCHEME):
        example = "s3://bucket/key" if any_key else "s3://bucket/folder/"
        raise BedrockParameterError(f"{option} must be an S3 URI such as {example}, not {uri!r}")
    if len(uri) > MAX_S3_URI_LENGTH:
        raise BedrockParameterError(
            f"{option} is {len(uri)} characters long; Bedrock accepts at most {MAX_S3_URI_LENGTH}"
        )
    bucket, key = split_s3_uri(uri)
    if not bucket:
        raise BedrockParameterError(f"{option} {uri!r} names no bucket")
    check_bucket_name(f"{option} {uri!r}: bucket", bucket)
    if any_key:
        if not S3_OBJECT_URI_PATTERN.fullmatch(uri):
            raise BedrockParameterError(f"{option} {uri!r} is not an S3 URI Bedrock accepts")
        return bucket, key
    _check_s3_key(option, uri, key)
    if not S3_URI_PATTERN.fullmatch(uri):
        raise BedrockParameterError(f"{option} {uri!r} is not an S3 URI Bedrock accepts")
    return bucket, key


def _check_s3_key(option: str, uri: str, key: str) -> None:
    segments = key.split("/")
    if segments and segments[-1] == "":
        segments.pop()  # one trailing slash names a folder
    for segment in segments:
        if segment == "":
            raise BedrockParameterError(f"{option} {uri!r} has an empty folder name ('//'), which Bedrock refuses")
        if any(char.isspace() for char in segment):
            raise BedrockParameterError(f"{option} {uri!r} has white space in its key, which Bedrock refuses")
        if "=" in segment:
            raise BedrockParameterError(f"{option} {uri!r} has '=' in its key, which Bedrock refuses")
        if not S3_KEY_SEGMENT_PATTERN.fullmatch(segment):
            wrong = sorted({char for char in segment if not S3_KEY_SEGMENT_PATTERN.fullmatch(char)})
            raise BedrockParameterError(
                f"{option} {uri!r} has characters Bedrock refuses in its key ({' '.join(repr(c) for c in wrong)}); "
                "keys may hold letters, digits and - ! _ * ' ( ) ."
            )


def check_role_arn(role_arn: Any, option: str = "role_arn") -> None:
    """Refuse what is not the ARN of an IAM role."""
    if not isinstance(role_arn, str) or len(role_arn) > MAX_ROLE_ARN_LENGTH or not ROLE_ARN_PATTERN.fullmatch(role_arn):
        raise BedrockParameterError(
            f"{option} must be the ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME, or role/PATH/NAME), "
            f"not {str(role_arn)[:200]!r}"
        )


def check_tags(tags: Optional[Mapping], option: str = "tags", what: str = "a resource") -> None:
    """Refuse tags the Bedrock control plane would refuse (keys, values, how many) for what; None and {} pass."""
    if not tags:
        return
    if len(tags) > MAX_TAGS:
        raise BedrockParameterError(f"{option} has {len(tags)} entries; {what} takes at most {MAX_TAGS}")
    for key, value in tags.items():
        if not isinstance(value, str):
            raise BedrockParameterError(f"{option}: the value of {key!r} must be a string (quote numbers and booleans)")
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH or not TAG_PATTERN.fullmatch(key):
            raise BedrockParameterError(
                f"{option}: key {key[:200]!r} must be 1 to {MAX_TAG_KEY_LENGTH} letters, digits, spaces or "
                ". _ : / = + @ -"
            )
        if len(value) > MAX_TAG_VALUE_LENGTH or not TAG_PATTERN.fullmatch(value):
            raise BedrockParameterError(
                f"{option}: the value of {key!r} must be at most {MAX_TAG_VALUE_LENGTH} letters, digits, spaces or "
                ". _ : / = + @ -"
            )


def client_request_token(fields: Mapping) -> str:
    """An idempotency token derived from the task's options that shape what a create makes.

    The same task sends the same token, so a create retried after a lost answer (by the retries, or by running the
    task again) returns what the first one created instead of making (and billing) a second.
    """
    text = json.dumps(dict(fields), sort_keys=True, default=str)
    return TOKEN_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:TOKEN_DIGEST_LENGTH]
