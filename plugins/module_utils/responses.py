# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""responses_dest: the answers of many requests written to a file on the module's host instead of the result.

ansible-core walks every value a module returns, on the host and again on the controller, at a few microseconds a
value, so thousands of answers (embeddings above all) cost far more to return than to fetch. Every module with
responses_dest writes its file here, in one format: JSON Lines, one line per request in input order, each line the
entry the module's `responses` would hold.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any
from typing import Dict
from typing import Iterable

# The option as every module declares it, and its documentation's common part.
RESPONSES_DEST_OPTION: Dict[str, Any] = {"type": "path"}


class ResponsesDestError(Exception):
    """The responses file cannot be written."""


def entry_line(entry: Any) -> str:
    """One entry of responses as a line of the file (without the line break)."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def check_responses_dest(path: str) -> None:
    """Fail before anything is sent when the file could not be written: its folder must exist and be writable."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise ResponsesDestError(f"responses_dest {path!r} is a folder; name a file")
    if not os.path.isdir(folder):
        raise ResponsesDestError(f"responses_dest {path!r}: the folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ResponsesDestError(f"responses_dest {path!r}: the folder {folder!r} is not writable")


def write_responses(path: str, lines: Iterable[str]) -> int:
    """Write the lines (JSON texts, one per request, in input order) to path; returns how many were written.

    The file is replaced whole, never left half written: the lines go to a new file beside it (readable by its
    owner only, as answers may be confidential), which then takes its place.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".responses-", suffix=".jsonl.tmp", dir=folder)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            for line in lines:
                stream.write(line)
                stream.write("\n")
                count += 1
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return count
