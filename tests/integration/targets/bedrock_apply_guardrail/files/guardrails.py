# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Set up the guardrail this target checks content against, on the fake endpoint at argv[1], with boto3.

    python guardrails.py ENDPOINT_URL

Forgets whatever the endpoint knew (DELETE /_test/requests), creates the guardrail "ai-test-support" with every
kind of policy, publishes its version 1, then adds the word "acme" to its DRAFT only, so that a test can tell the
DRAFT from version 1. Each step is made READY at once through the fake's control route. Prints its id and ARN as
JSON. Run with the Python of the playbook (its boto3 has CreateGuardrail from 1.34.90 on); signed with the test
credentials, so the SigV4-checking endpoint takes it too.
"""

import json
import sys
import urllib.request

import boto3

CONFIG = {
    "name": "ai-test-support",
    "description": "The support bot's guardrail",
    "blockedInputMessaging": "Sorry, I cannot help with that.",
    "blockedOutputsMessaging": "Sorry, I cannot share that answer.",
    "topicPolicyConfig": {
        "topicsConfig": [
            {
                "name": "Investment advice",
                "definition": "Recommendations about stocks, bonds or other investments.",
                "examples": ["Which stocks should I buy?"],
                "type": "DENY",
            }
        ]
    },
    "contentPolicyConfig": {
        "filtersConfig": [
            {
                "type": "VIOLENCE",
                "inputStrength": "HIGH",
                "outputStrength": "HIGH",
                "inputModalities": ["TEXT", "IMAGE"],
                "outputModalities": ["TEXT", "IMAGE"],
            },
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"},
        ]
    },
    "wordPolicyConfig": {"wordsConfig": [{"text": "project zebra"}], "managedWordListsConfig": [{"type": "PROFANITY"}]},
    "sensitiveInformationPolicyConfig": {
        "piiEntitiesConfig": [
            {"type": "EMAIL", "action": "ANONYMIZE"},
            {"type": "PHONE", "action": "ANONYMIZE"},
            {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"},
        ],
        "regexesConfig": [{"name": "ticket", "pattern": "TICKET-[0-9]+", "action": "ANONYMIZE"}],
    },
    "contextualGroundingPolicyConfig": {
        "filtersConfig": [{"type": "GROUNDING", "threshold": 0.5}, {"type": "RELEVANCE", "threshold": 0.5}]
    },
}


def control(url: str, method: str, path: str) -> None:
    request = urllib.request.Request(url + path, method=method, data=b"{}" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10):
        pass


def main() -> None:
    url = sys.argv[1]
    client = boto3.client(
        "bedrock",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDAMAZONAITEST",
        aws_secret_access_key="amazon-ai-test-secret",
    )
    control(url, "DELETE", "/_test/requests")
    created = client.create_guardrail(**CONFIG)
    guardrail_id = created["guardrailId"]
    control(url, "POST", f"/_test/guardrails/{guardrail_id}/ready")
    client.create_guardrail_version(guardrailIdentifier=guardrail_id, description="First release")
    control(url, "POST", f"/_test/guardrails/{guardrail_id}/ready")
    draft = dict(CONFIG, guardrailIdentifier=guardrail_id)
    draft["wordPolicyConfig"] = {"wordsConfig": [{"text": "project zebra"}, {"text": "acme"}]}
    draft["wordPolicyConfig"]["managedWordListsConfig"] = CONFIG["wordPolicyConfig"]["managedWordListsConfig"]
    client.update_guardrail(**draft)
    control(url, "POST", f"/_test/guardrails/{guardrail_id}/ready")
    print(json.dumps({"id": guardrail_id, "arn": created["guardrailArn"]}))


if __name__ == "__main__":
    main()
