# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module base class of the amazon.ai collection."""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

AMAZON_AI_COLLECTION_NAME = "amazon.ai"
# Kept equal to galaxy.yml's version; a unit test compares the two.
AMAZON_AI_COLLECTION_VERSION = "1.1.0"


class AnsibleAmazonAIModule(AnsibleAWSModule):
    """AnsibleAWSModule whose AWS clients name amazon.ai in their user agent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        set_collection_info(
            collection_name=AMAZON_AI_COLLECTION_NAME,
            collection_version=AMAZON_AI_COLLECTION_VERSION,
        )

    def warn(self, warning: str) -> None:
        """Warn once, through ansible-core alone.

        AnsibleAWSModule also hands every warning to exit_json as a `warnings` argument, which ansible-core 2.19
        reports as deprecated, adding a deprecation warning to each task that warns.
        """
        self._module.warn(warning)
