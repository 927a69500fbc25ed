# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the tests of module_utils share: a module whose clients are Stubber-backed, and InvokeModel's replies."""

from __future__ import annotations

import gzip
import io
import json
import os
from unittest.mock import MagicMock

import boto3
import botocore
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.response import StreamingBody
from botocore.stub import Stubber


def wrapping_module(client):
    """A stand-in for the module whose client() returns client, wrapped with the retry decorator it is given."""
    module = MagicMock()
    module.client.side_effect = lambda service, retry_decorator=None, **kwargs: RetryingBotoClientWrapper(
        client, retry_decorator
    )
    return module


@pytest.fixture(name="stubbed")
def fixture_stubbed():
    """(module, Stubber): the module's bedrock-runtime client is validated against botocore's service model."""
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="AKIDUNIT", aws_secret_access_key="unit-secret"
    )
    with Stubber(client) as stubber:
        yield wrapping_module(client), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(name="scripted_module")
def fixture_scripted_module():
    """scripted_module(client): a module whose clients are client (any object), wrapped with the retries."""
    return wrapping_module


@pytest.fixture(name="invoke_reply")
def fixture_invoke_reply():
    """invoke_reply(payload, content_type): InvokeModel's answer as botocore returns it."""

    def make(payload=b'{"ok": true}', content_type="application/json"):
        return {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": content_type}

    return make


@pytest.fixture(name="bedrock_shapes", scope="session")
def fixture_bedrock_shapes():
    """The shapes of botocore's bedrock service model, the control plane's last word on what it accepts."""
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "bedrock", "2023-04-20", "service-2.json.gz")
    with gzip.open(path) as stream:
        return json.load(stream)["shapes"]
