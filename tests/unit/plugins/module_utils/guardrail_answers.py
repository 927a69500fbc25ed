# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ApplyGuardrail answers as botocore returns them (valid against its service model, so a Stubber takes them), for
the tests of apply_guardrail_results.py and of the bedrock_apply_guardrail module."""

from __future__ import annotations

USAGE = {
    "topicPolicyUnits": 0,
    "contentPolicyUnits": 0,
    "wordPolicyUnits": 0,
    "sensitiveInformationPolicyUnits": 1,
    "sensitiveInformationPolicyFreeUnits": 0,
    "contextualGroundingPolicyUnits": 0,
}
# An email address masked.
MASKED = {
    "usage": USAGE,
    "action": "GUARDRAIL_INTERVENED",
    "actionReason": "Guardrail masked.",
    "outputs": [{"text": "Write to {EMAIL}"}],
    "assessments": [
        {
            "sensitiveInformationPolicy": {
                "piiEntities": [
                    {"match": "jane@example.com", "type": "EMAIL", "action": "ANONYMIZED", "detected": True}
                ],
                "regexes": [],
            },
            "invocationMetrics": {
                "guardrailProcessingLatency": 12,
                "usage": USAGE,
                "guardrailCoverage": {"textCharacters": {"guarded": 25, "total": 25}},
            },
        }
    ],
    "guardrailCoverage": {"textCharacters": {"guarded": 25, "total": 25}},
}
# Nothing found.
NONE = {"usage": USAGE, "action": "NONE", "actionReason": "No action.", "outputs": [], "assessments": [{}]}
