# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Binary content a request carries (images, documents, ...): read from a file on the host that runs the module, or
decoded from base64 text, exactly once, its format taken from the file's name.

A task gives such content as JSON can carry it, a path or base64 text; Bedrock's APIs take raw bytes. Shared by
every family that sends media: Converse's blocks (converse_content.py) and ApplyGuardrail's (apply_guardrail.py).
Each function refuses bad input with BedrockParameterError, naming where in the task it is (error_at).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

# The formats each kind of media block takes (botocore's service model), and the file extensions naming them.
FORMATS: Dict[str, Tuple[str, ...]] = {
    "image": ("png", "jpeg", "gif", "webp"),
    "document": ("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"),
    "video": ("mkv", "mov", "mp4", "webm", "flv", "mpeg", "mpg", "wmv", "three_gp"),
    "audio": (
        "mp3",
        "opus",
        "wav",
        "aac",
        "flac",
        "mp4",
        "ogg",
        "mkv",
        "mka",
        "x-aac",
        "m4a",
        "mpeg",
        "mpga",
        "pcm",
        "webm",
    ),
}
EXTENSION_ALIASES: Dict[str, Dict[str, str]] = {
    "image": {"jpg": "jpeg"},
    "document": {"htm": "html", "markdown": "md"},
    "video": {"3gp": "three_gp"},
    "audio": {},
}


def error_at(where: str, problem: str) -> BedrockParameterError:
    """The error for a problem at a place in the task ("messages[0].content[1].image: ...")."""
    return BedrockParameterError(f"{where}: {problem}")


def with_article(kind: str) -> str:
    """kind with its indefinite article: "an image", "a document"."""
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def file_format(kind: str, name: str, where: str) -> str:
    """The API's format for a file of kind (image, document, ...), from its name's extension."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    extension = EXTENSION_ALIASES[kind].get(extension, extension)
    if extension in FORMATS[kind]:
        return extension
    accepted = sorted(set(FORMATS[kind]) | set(EXTENSION_ALIASES[kind]))
    shown = f".{extension}" if extension else "no extension"
    raise error_at(
        where, f"{name!r} has {shown}; {with_article(kind)} must be a file ending in one of .{', .'.join(accepted)}"
    )


def decode_base64(text: Any, where: str) -> bytes:
    """The bytes that base64 text stands for (white space ignored), exactly once decoded."""
    if not isinstance(text, str):
        raise error_at(where, f"must be base64 text, not {type(text).__name__}")
    compact = re.sub(r"\s+", "", text)
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise error_at(where, "is not valid base64 text (encode the data once, for example with b64encode)") from None
    if not data:
        raise error_at(where, "is empty; Bedrock takes at least one byte")
    return data


def read_file(path: Any, where: str, kind: str, limit: Optional[int] = None) -> bytes:
    """The bytes of a file of kind on the host running the module, refused when larger than limit bytes."""
    if not isinstance(path, str) or not path:
        raise error_at(where, "must be a file path")
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            # One byte more than the limit tells a file too large without reading all of it.
            data = handle.read() if limit is None else handle.read(limit + 1)
    except OSError as e:
        raise error_at(where, f"cannot read {path!r}: {e.strerror or e}") from None
    if not data:
        raise error_at(where, f"{path!r} is empty")
    if limit is not None and len(data) > limit:
        raise error_at(where, f"{path!r} is larger than the {limit} bytes Bedrock takes for {with_article(kind)}")
    return data
