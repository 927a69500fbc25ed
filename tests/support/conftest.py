# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the fake endpoint's tests: servers started in-process, and an environment that reaches only them."""

from __future__ import annotations

import os
import types
from typing import Any
from typing import Iterator

import botocore.exceptions
import botocore.retries.standard
import botocore.retryhandler
import pytest

from . import bedrock_endpoint as be
from .batch_helpers import BUCKET
from .batch_helpers import clients
from .helpers import reset
from .launcher import start
from .launcher import stop


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep the developer's AWS config and proxies out of the way: traffic must go straight to 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for name in (
        "AWS_RETRY_MODE",
        "AWS_MAX_ATTEMPTS",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[be.BedrockServer]:
    srv = be.start_server()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def signed_server() -> Iterator[be.BedrockServer]:
    srv = be.start_server(verify_sigv4=True)
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server() -> Iterator[be.BedrockServer]:
    # Its own server, so that no other test's requests are in flight or counted.
    srv = be.start_server()
    yield srv
    srv.stop()


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep botocore's retry logic but skip its sleeps (legacy: random base; standard: ExponentialBackoff).
    monkeypatch.setattr(botocore.retryhandler, "random", types.SimpleNamespace(random=lambda: 0.0001))
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's server, the S3 behind the batch tests' endpoints: started once for every test that needs it."""
    endpoints = start(str(tmp_path_factory.mktemp("moto")), moto=True)
    yield endpoints["moto"].url
    stop(endpoints.values())


@pytest.fixture(scope="module")
def srv(moto_url: str) -> Iterator[be.BedrockServer]:
    """An endpoint serving the batch API, jobs moving on at once, with moto's S3 behind it and a bucket in it."""
    server = be.start_server(s3_upstream=moto_url, batch_defaults={"step_seconds": 0.01, "min_records": 1})
    clients(server.url)[1].create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


@pytest.fixture
def bedrock(server: be.BedrockServer) -> Any:
    """A control plane (``bedrock``) client in us-east-1, with no retries, on the module's server reset."""
    reset(server)
    return clients(server.url)[0]
