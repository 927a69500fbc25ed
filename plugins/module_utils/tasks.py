# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a module's work hands back to AnsibleAmazonAIModule.run() besides its result: what it is doing, what to
warn about, and a failure that carries what is known.

A leaf like common.py (nothing of the collection, nothing of AWS), so that the family files, which the action
plugins import for the argument specs, stay light on the controller.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional


class TaskFailure(Exception):
    """The task did (some of) its work, then failed: msg says why, result holds everything known, returned with it."""

    def __init__(self, msg: str, result: Dict[str, Any]) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


class Progress:
    """What a task is doing, for the message of whatever stops it, and what it has to warn about.

    action: what the task is doing now, as "Failed to <action>" says it ("invoke Bedrock model 'm'").
    subject: what the task is about, named by the message of an invalid task ("model 'm'"); None names nothing.
    runs_model: whether the call being made runs a model, so that a lost answer was not asked for again.
    result: what is known when a later step fails (returned with an OSError's failure); None for nothing.
    warnings: what to warn about, whether the task succeeds or fails.
    """

    def __init__(self, action: str = "run the task", subject: Optional[str] = None) -> None:
        self.action = action
        self.subject = subject
        self.runs_model = False
        self.result: Optional[Dict[str, Any]] = None
        self.warnings: List[str] = []
