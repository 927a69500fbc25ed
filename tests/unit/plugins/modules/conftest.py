# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.stub import Stubber


@pytest.fixture(name="stubber")
def fixture_stubber(monkeypatch):
    """Every client a module builds is one Stubber-backed client; records how many were built and how."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    built = []

    def fake_client(self, service, retry_decorator=None, **kwargs):
        built.append(service)
        stub.client_kwargs = kwargs
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)
    with Stubber(client) as stub:
        stub.built = built
        yield stub


@pytest.fixture(name="aws_stubbers")
def fixture_aws_stubbers(monkeypatch):
    """One Stubber-backed client per AWS service a module builds (validated against botocore's service models).

    Yields {service: Stubber}; each Stubber also records the keyword arguments its client was built with.
    """
    stubbers = {}
    clients = {}

    def fake_client(self, service, retry_decorator=None, **kwargs):
        if service not in clients:
            clients[service] = boto3.client(
                service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
            )
            stubbers[service] = Stubber(clients[service])
            stubbers[service].activate()
        stubbers[service].client_kwargs = kwargs
        client = clients[service]
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)
    # Pre-build them, so that a test can queue responses before the module runs.
    for service in ("bedrock", "bedrock-runtime", "s3"):
        fake_client(None, service)
    yield stubbers
    for stub in stubbers.values():
        stub.deactivate()
