# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""responses_dest: the answers of many requests written to a file on the module's host instead of the result.

ansible-core walks every value a module returns, on the host and again on the controller, at a few microseconds a
value, so thousands of answers (embeddings above all) cost far more to return than to fetch. Every module with
responses_dest writes its file with write_responses_dest(), in one format: JSON Lines, one line per request in
input order, each line the entry the module's `responses` would hold, as compact JSON (entry_line()).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import Iterable

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress

# The option as every module declares it.
RESPONSES_DEST_OPTION: Dict[str, Any] = {"type": "path"}


class RawJSON(str):
    """JSON text that entry_line() writes as it is: a model's output that already is valid JSON, never encoded again."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def entry_line(entry: Mapping) -> str:
    """One entry of responses as a line of the file (without the line break): compact JSON, RawJSON values as given."""
    if not any(isinstance(value, RawJSON) for value in entry.values()):
        return _dumps(entry)
    members = (
        f"{_dumps(key)}:{value if isinstance(value, RawJSON) else _dumps(value)}" for key, value in entry.items()
    )
    return "{" + ",".join(members) + "}"


def check_responses_dest(path: str) -> None:
    """Refuse, before anything is sent, a file that could not be written: its folder must exist and be writable."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise BedrockParameterError(f"responses_dest {path!r} is a folder; name a file")
    if not os.path.isdir(folder):
        raise BedrockParameterError(f"responses_dest {path!r}: the folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BedrockParameterError(f"responses_dest {path!r}: the folder {folder!r} is not writable")


def write_responses(path: str, entries: Iterable[Mapping]) -> int:
    """Write the entries (one per request, in input order) to path as entry_line()s; returns how many were written.

    The file is replaced whole, never left half written: the lines go to a new file beside it (readable by its
    owner only, as answers may be confidential), which then takes its place.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".responses-", suffix=".jsonl.tmp", dir=folder)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            for entry in entries:
                stream.write(entry_line(entry))
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


def write_responses_dest(dest: str, entries: Iterable[Mapping], result: Dict[str, Any], progress: Progress) -> None:
    """Write the task's answers to responses_dest and say so in result (returned with the failure if it cannot)."""
    progress.action = f"write the answers to responses_dest {dest!r}"
    progress.result = result
    write_responses(dest, entries)
    result["responses_dest"] = dest
