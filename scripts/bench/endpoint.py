# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The project's fake Bedrock Runtime endpoint (tests/support/bedrock_endpoint.py), as make bench runs it.

Takes the same arguments. Two socket settings of the fake are changed here, where they would otherwise be measured
instead of the module when many requests are in flight (neither matters to a single call on a new connection):

- Nagle's algorithm is turned off on the fake's connections. The fake writes a reply's headers and its body in two
  writes; with Nagle on, the body waits for the client to acknowledge the headers, which Linux delays by up to
  40 ms, so every request after the first on a kept-alive connection took 40 ms longer than the model's latency.
- The listen backlog is raised from socketserver's 5. A burst of new connections (16 or 32 requests starting
  at once) overflowed it, and the connections it dropped were retried by the client's TCP a second later.

The many family checks both every round (many_prompts_measure.endpoint_check: the endpoint rows of the report).
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import bedrock_endpoint  # noqa: E402  pylint: disable=wrong-import-position

LISTEN_BACKLOG = 128

bedrock_endpoint.BedrockHandler.disable_nagle_algorithm = True
bedrock_endpoint.BedrockServer.request_queue_size = max(
    bedrock_endpoint.BedrockServer.request_queue_size, LISTEN_BACKLOG
)

if __name__ == "__main__":
    sys.exit(bedrock_endpoint.main())
