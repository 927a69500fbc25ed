# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the project's fake Bedrock endpoint (the package fake_bedrock/ beside this file): every API it knows, on one
address.

    python tests/support/bedrock_endpoint.py --port 0 --port-file PATH [--verify-sigv4] [--tls-cert C --tls-key K]
        [--s3-upstream http://127.0.0.1:MOTO_PORT] [--batch-step-seconds S] [--batch-min-records N]
        [--guardrail-ready-after-reads N] [--guardrail-ready-after-seconds S] [--guardrail-apply-latency S]
        [--listen-backlog N]

or in-process with ``start_server()``. The names tests and the benchmark use are importable from here too.
"""

from __future__ import annotations

import os
import sys

if __package__:
    from .fake_bedrock.core import Reply
    from .fake_bedrock.invoke_model import CROWD_DELAY
    from .fake_bedrock.invoke_model import MAX_DEEP
    from .fake_bedrock.invoke_model import TEXT_REPLY
    from .fake_bedrock.invoke_model import TRUNCATED_BODY
    from .fake_bedrock.models import INVALID_MODEL_MESSAGE
    from .fake_bedrock.models import family_model_id
    from .fake_bedrock.models import large_embedding_body
    from .fake_bedrock.server import BedrockHandler
    from .fake_bedrock.server import BedrockServer
    from .fake_bedrock.server import main
    from .fake_bedrock.server import make_test_ca
    from .fake_bedrock.server import start_server
    from .fake_bedrock.sigv4 import TEST_CREDENTIALS
    from .fake_bedrock.sigv4 import TEST_SESSION_TOKENS
else:  # Run as a script, or imported with this folder on sys.path.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from fake_bedrock.core import Reply
    from fake_bedrock.invoke_model import CROWD_DELAY
    from fake_bedrock.invoke_model import MAX_DEEP
    from fake_bedrock.invoke_model import TEXT_REPLY
    from fake_bedrock.invoke_model import TRUNCATED_BODY
    from fake_bedrock.models import INVALID_MODEL_MESSAGE
    from fake_bedrock.models import family_model_id
    from fake_bedrock.models import large_embedding_body
    from fake_bedrock.server import BedrockHandler
    from fake_bedrock.server import BedrockServer
    from fake_bedrock.server import main
    from fake_bedrock.server import make_test_ca
    from fake_bedrock.server import start_server
    from fake_bedrock.sigv4 import TEST_CREDENTIALS
    from fake_bedrock.sigv4 import TEST_SESSION_TOKENS

__all__ = [
    "BedrockHandler",
    "BedrockServer",
    "CROWD_DELAY",
    "INVALID_MODEL_MESSAGE",
    "MAX_DEEP",
    "Reply",
    "TEST_CREDENTIALS",
    "TEST_SESSION_TOKENS",
    "TEXT_REPLY",
    "TRUNCATED_BODY",
    "family_model_id",
    "large_embedding_body",
    "main",
    "make_test_ca",
    "start_server",
]

if __name__ == "__main__":
    raise SystemExit(main())
