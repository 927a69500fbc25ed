# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The options of one InvokeModel request besides the model and the body, shared by both modules
    # (module_utils/invoke_model.py INVOKE_OPTIONS is their argument spec).
    DOCUMENTATION = r"""
options:
  content_type:
    description:
      - The MIME type of the request body.
      - It decides how the body is serialized. For JSON (V(application/json) or any C(type/subtype+json)) a
        mapping or list is encoded as JSON, and a string must already be JSON and is sent as given. Any other
        type takes a string, sent as UTF-8.
    type: str
    default: application/json
  accept:
    description:
      - The desired MIME type of the inference response.
    type: str
    default: application/json
  trace:
    description:
      - Specifies whether to enable or disable Bedrock tracing.
      - V(ENABLED) requires boto3 >= 1.34.90 and V(ENABLED_FULL) requires boto3 >= 1.37.29.
      - The default V(DISABLED) is what Bedrock assumes, so it is not sent.
    type: str
    choices: ['ENABLED', 'DISABLED', 'ENABLED_FULL']
    default: DISABLED
  guardrail_identifier:
    description:
      - The unique identifier of the guardrail to use.
      - This option requires boto3 >= 1.34.90.
    type: str
  guardrail_version:
    description:
      - The version number for the guardrail. Can also be 'DRAFT'.
      - O(guardrail_version) is required when O(guardrail_identifier) is specified.
      - This option requires boto3 >= 1.34.90.
    type: str
  performance_config_latency:
    description:
      - Model performance settings for the request, optimizing for latency.
      - V(optimized) requires boto3 >= 1.35.73. The default V(standard) is what Bedrock assumes, so it is not sent.
    type: str
    choices: ['standard', 'optimized']
    default: standard
  service_tier:
    description:
      - The service tier to process the request in, trading price against latency and availability.
      - Not sent unless set, so Bedrock uses the account's default tier.
      - This option requires boto3 >= 1.40.76, and V(reserved) requires boto3 >= 1.41.5.
    type: str
    choices: ['priority', 'default', 'flex', 'reserved']
    version_added: 1.1.0
  request_metadata:
    description:
      - Key-value tags recorded with this call in the account's model invocation logs, for example to attribute
        cost to a team or an application.
      - Keys and values must be strings (quote numbers and booleans). Encoded as a JSON object, the whole
        mapping may be at most 8,500 characters long.
      - Sent as the C(X-Amzn-Bedrock-Request-Metadata) header. An empty mapping sends nothing.
      - This option requires boto3 >= 1.43.12.
    type: dict
    version_added: 1.1.0
notes:
  - The connection options (O(region), O(profile), O(endpoint_url), credentials, ...) are also taken from
    C(module_defaults) set for C(group/amazon.aws.aws) or C(group/aws), as for the amazon.aws modules, unless the
    task, the module's own C(module_defaults) or C(group/amazon.ai.aws) set them.
  - O(content_type), O(accept), O(guardrail_identifier) and O(guardrail_version) are sent as HTTP headers, so
    they must be visible ASCII characters; other values fail the task before anything is sent.
"""
