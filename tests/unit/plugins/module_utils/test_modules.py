# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import modules
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockReplyError
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import patch_module_args

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


# The one path from a module's work to its result.


def run(work, diff=False):
    """Run work through AnsibleAmazonAIModule.run as a module does; returns the result (and _exit_code, _output)."""
    with patch_module_args(dict(region="us-east-1", _ansible_diff=diff)):
        module = modules.AnsibleAmazonAIModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit) as excinfo:
            module.run(work)
    return excinfo.value.code, module


def outcome(capsys, work, diff=False):
    code, dummy = run(work, diff)
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    result["_exit_code"] = code
    result["_output"] = captured.out + captured.err
    return result


def failing(error, subject=None, runs_model=False, result=None):
    def work(module, progress):
        progress.action = "do the thing"
        progress.subject = subject
        progress.runs_model = runs_model
        progress.result = result
        # Unique: once controller code is loaded in the process, ansible-core shows each warning text only once.
        progress.warnings.append(f"a warning before the end of {error!r}")
        raise error

    return work


def tried(error, tries):
    setattr(error, "amazon_ai_tries", tries)
    return error


def client_error(code, status):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


@pytest.mark.parametrize(
    "work, msg, keys",
    [
        (
            failing(BedrockParameterError("body must be set"), subject="model 'm'"),
            "Invalid task for model 'm', nothing was sent: body must be set",
            set(),
        ),
        (failing(BedrockParameterError("body is missing")), "Invalid task, nothing was sent: body is missing", set()),
        (failing(BedrockReplyError("the reply was cut")), "Failed to do the thing: the reply was cut", set()),
        (failing(TaskFailure("2 of 3 failed", {"summary": {"failed": 2}})), "2 of 3 failed", {"summary"}),
        (
            failing(tried(client_error("ThrottlingException", 429), 3)),
            "Failed to do the thing (still busy after 3 tries): An error occurred (ThrottlingException)",
            {"error", "response_metadata"},
        ),
        (
            failing(botocore.exceptions.ReadTimeoutError(endpoint_url="http://x"), runs_model=True),
            "Failed to do the thing (no answer within the read timeout; the request was not sent again",
            set(),
        ),
        (
            failing(botocore.exceptions.NoRegionError()),
            "Failed to do the thing: You must specify a region.",
            set(),
        ),
        (
            failing(OSError(28, "No space left on device"), result={"summary": {}}),
            "Failed to do the thing: [Errno 28] No space left on device",
            {"summary"},
        ),
    ],
    ids=["invalid-with-subject", "invalid", "reply", "task-failure", "client-error", "read-timeout", "botocore", "os"],
)
def test_run_turns_what_stops_the_work_into_one_failure(capsys, work, msg, keys):
    result = outcome(capsys, work)
    assert result["_exit_code"] == 1 and result["failed"] is True
    assert result["msg"].startswith(msg)
    assert keys <= set(result)
    assert "Traceback" not in result["msg"]
    # What the work warned about before it stopped is warned about all the same.
    assert result["_output"].count("a warning before the end of ") == 1


def test_run_exits_with_the_result_and_the_warnings(capsys):
    def work(module, progress):
        progress.warnings.append("note this")
        return {"changed": True, "answer": 42}

    result = outcome(capsys, work)
    assert result["_exit_code"] == 0 and result["changed"] is True and result["answer"] == 42
    assert result["_output"].count("note this") == 1


@pytest.mark.parametrize("diff", [True, False])
def test_diff_is_returned_only_with_diff_mode(capsys, diff):
    def work(module, progress):
        return {"changed": True, **module.diff({"tags": {}}, {"tags": {"a": "b"}})}

    result = outcome(capsys, work, diff=diff)
    if diff:
        assert result["diff"] == {"before": {"tags": {}}, "after": {"tags": {"a": "b"}}}
    else:
        assert "diff" not in result


# What the failure of a model Bedrock refuses to run on demand adds: the inference profiles that carry it.

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
ON_DEMAND = (
    f"Invocation of model ID {SONNET} with on-demand throughput isn't supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)


def on_demand_refusal(code="ValidationException"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": ON_DEMAND}}, "InvokeModel")


def system_profiles(*geographies):
    return [
        {
            "inferenceProfileName": f"{geography} Claude",
            "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{geography}.{SONNET}",
            "models": [{"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET}"}],
            "inferenceProfileId": f"{geography}.{SONNET}",
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }
        for geography in geographies
    ]


@pytest.fixture(name="control_plane")
def fixture_control_plane(monkeypatch):
    """The bedrock client modules build for the hint, Stubber-backed; stub.built lists every client built."""
    client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    built = []

    def fake_client(self, service, retry_decorator=None, **kwargs):
        built.append(service)
        return RetryingBotoClientWrapper(client, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)
    with Stubber(client) as stub:
        stub.built = built
        yield stub
        stub.assert_no_pending_responses()


def test_a_model_refused_on_demand_names_the_profiles_that_carry_it(capsys, control_plane):
    control_plane.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": system_profiles("us", "global")},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    result = outcome(capsys, failing(on_demand_refusal(), runs_model=True))
    assert result["msg"] == (
        f"Failed to do the thing (system-defined inference profiles that carry {SONNET}: global.{SONNET}, "
        f"us.{SONNET}): An error occurred (ValidationException) when calling the InvokeModel operation: {ON_DEMAND}"
    )
    assert result["error"]["code"] == "ValidationException"
    assert control_plane.built == ["bedrock"]


def test_the_failure_is_left_as_it_was_when_the_listing_fails(capsys, control_plane):
    control_plane.add_client_error("list_inference_profiles", "AccessDeniedException", http_status_code=403)
    result = outcome(capsys, failing(on_demand_refusal(), runs_model=True))
    assert result["msg"] == (
        f"Failed to do the thing: An error occurred (ValidationException) when calling the InvokeModel operation: "
        f"{ON_DEMAND}"
    )


@pytest.mark.parametrize(
    "error",
    [client_error("ValidationException", 400), on_demand_refusal("AccessDeniedException"), BedrockReplyError("cut")],
    ids=["other-validation", "other-code", "reply"],
)
def test_other_failures_list_nothing(capsys, control_plane, error):
    result = outcome(capsys, failing(error, runs_model=True))
    assert control_plane.built == [] and "profiles that carry" not in result["msg"]


def test_failure_message_lists_once_per_task(control_plane):
    control_plane.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": system_profiles("us")},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    with patch_module_args(dict(region="us-east-1")):
        module = modules.AnsibleAmazonAIModule(argument_spec={})
    messages = {module.failure_message(f"invoke it {n}", on_demand_refusal(), True).split(" (", 1)[1] for n in range(3)}
    assert messages == {f"system-defined inference profiles that carry {SONNET}: us.{SONNET})"}
    assert control_plane.built == ["bedrock"]
