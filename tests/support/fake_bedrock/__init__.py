# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A deterministic fake of Amazon Bedrock's APIs on one address, for the tests, the demo and the benchmark.

One file per API: invoke_model.py (InvokeModel, with the real model families of models.py and the test.* faults of
faults.py), converse.py (Converse, checked as the service checks it by converse_checks.py), batch.py (model
invocation jobs, with batch_rules.py, batch_jobs.py and batch_runner.py, and moto's S3 behind the same address
through s3_proxy.py), guardrails.py (the guardrail control plane, with guardrail_rules.py, guardrail_shapes.py and
guardrail_store.py) and guardrail_apply.py (ApplyGuardrail, judged by the documented rules of guardrail_eval.py).
They share the control plane's errors and checks of control_plane.py, the tags of every resource of tagging.py,
and the HTTP server, recording and SigV4 check of server.py, core.py and sigv4.py. Only the standard library is
needed; botocore is imported lazily, for ``--verify-sigv4`` only.
"""
