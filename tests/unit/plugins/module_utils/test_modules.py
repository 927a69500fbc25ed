# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.ai.plugins.module_utils import modules

GALAXY_YML = Path(__file__).resolve().parents[4] / "galaxy.yml"


def test_version_matches_galaxy_yml():
    version = re.search(r"^version:\s*(\S+)\s*$", GALAXY_YML.read_text(), re.M).group(1)
    assert modules.AMAZON_AI_COLLECTION_VERSION == version


def test_clients_name_the_collection_in_their_user_agent():
    args = dict(region="us-east-1", access_key="AKIDUNIT", secret_key="unit-secret")
    with patch_module_args(args):
        module = modules.AnsibleAmazonAIModule(argument_spec={})
    client = module.client("bedrock-runtime")
    assert f"amazon.ai/{modules.AMAZON_AI_COLLECTION_VERSION}" in client.meta.config.user_agent
    assert "amazon.aws/" not in client.meta.config.user_agent


def test_a_warning_is_returned_once_without_a_deprecation(capsys):
    with patch_module_args(dict(region="us-east-1")):
        module = modules.AnsibleAmazonAIModule(argument_spec={})
        module.warn("something to know")
        with pytest.raises(SystemExit):
            module.exit_json(changed=False)
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    # Returned once (on stderr instead, once controller code is loaded in the process), and nothing deprecated.
    assert (captured.out + captured.err).count("something to know") == 1
    assert "deprecat" not in (captured.out + captured.err).lower()
    assert "deprecations" not in result
