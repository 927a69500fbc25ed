# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module base class of the amazon.ai collection, and the one path from a module's work to its result.

Every module's main() is its argument spec, the module object and one call, module.run(work): work(module,
progress) does the task and returns its result (tasks.py: Progress, TaskFailure); run() turns whatever stops it
into the task's failure, the same way in every module (AnsibleAmazonAIModule.run says how).
"""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import NoReturn

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils.clients import failure_message
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockReplyError
from ansible_collections.amazon.ai.plugins.module_utils.common import invalid_task_message
from ansible_collections.amazon.ai.plugins.module_utils.inference_profile import ProfileHints
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure

AMAZON_AI_COLLECTION_NAME = "amazon.ai"
# Kept equal to galaxy.yml's version; a unit test compares the two.
AMAZON_AI_COLLECTION_VERSION = "1.1.0"


Work = Callable[["AnsibleAmazonAIModule", Progress], Dict[str, Any]]


class AnsibleAmazonAIModule(AnsibleAWSModule):
    """AnsibleAWSModule whose AWS clients name amazon.ai in their user agent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        set_collection_info(
            collection_name=AMAZON_AI_COLLECTION_NAME,
            collection_version=AMAZON_AI_COLLECTION_VERSION,
        )
        # Lists the system-defined inference profiles on the first model Bedrock refuses to run on demand, if any.
        self._profile_hints = ProfileHints(lambda: retrying_client(self, "bedrock"))

    def warn(self, warning: str) -> None:
        """Warn once, through ansible-core alone.

        AnsibleAWSModule also hands every warning to exit_json as a `warnings` argument, which ansible-core 2.19
        reports as deprecated, adding a deprecation warning to each task that warns.
        """
        self._module.warn(warning)

    def run(self, work: Work) -> NoReturn:
        """Run work(self, progress) and exit with its result, or fail with one message for what stopped it.

        BedrockParameterError: the task is invalid and nothing was sent (invalid_task_message). BedrockReplyError:
        "Failed to <action>: <why>". TaskFailure: its msg and result. botocore's ClientError and BotoCoreError:
        fail_json_aws, "Failed to <action>", why the retries did not help, and for a model Bedrock refuses to run on
        demand the inference profiles that carry it (failure_message()). OSError:
        "Failed to <action>: <error>", with progress.result. Warnings are given in every case.
        """
        progress = Progress()
        try:
            result = work(self, progress)
        except BedrockParameterError as e:
            self._fail(progress, msg=invalid_task_message(str(e), progress.subject))
        except BedrockReplyError as e:
            self._fail(progress, msg=f"Failed to {progress.action}: {e}")
        except TaskFailure as e:
            self._fail(progress, msg=e.msg, **e.result)
        except (BotoCoreError, ClientError) as e:
            self._warn_all(progress)
            self.fail_json_aws(e, msg=self.failure_message(progress.action, e, progress.runs_model))
        except OSError as e:
            self._fail(progress, msg=f"Failed to {progress.action}: {e}", **(progress.result or {}))
        self._warn_all(progress)
        self.exit_json(**result)

    def failure_message(self, action: str, error: BaseException, runs_model: bool = False) -> str:
        """clients.failure_message() for a call that failed while doing action, and when Bedrock refused to run a
        model on demand, the system-defined inference profiles that carry it (inference_profile.ProfileHints: one
        listing per task, made on the first such refusal; none when it cannot be made). Safe from any thread."""
        message = failure_message(action, error, runs_model)
        hint = self._profile_hints.for_error(error)
        return f"{message} ({hint})" if hint else message

    def diff(self, before: Any, after: Any) -> Dict[str, Any]:
        """The result's diff key for a resource's normal form before and after, when the task runs with --diff."""
        return {"diff": {"before": before, "after": after}} if self._diff else {}

    def _warn_all(self, progress: Progress) -> None:
        for warning in progress.warnings:
            self.warn(warning)

    def _fail(self, progress: Progress, **result: Any) -> NoReturn:
        self._warn_all(progress)
        self.fail_json(**result)
