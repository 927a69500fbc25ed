# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A deterministic fake of Amazon Bedrock's APIs on one address, for the tests, the demo and the benchmark.

One file per API: invoke_model.py (InvokeModel, with the real model families of models.py and the test.* faults of
faults.py), converse.py (Converse, checked as the service checks it by converse_checks.py), batch.py (model
invocation jobs, with batch_rules.py, batch_jobs.py and batch_runner.py, and moto's S3 behind the same address
through s3_proxy.py), inference_profiles.py (application and system-defined inference profiles, checked by
profile_rules.py), foundation_models.py (the foundation model catalogue and its availability), logging_proxy.py (the
model invocation logging configuration, answered by moto behind the same address), guardrails.py (the guardrail
control plane, with guardrail_rules.py, guardrail_shapes.py and guardrail_store.py) and guardrail_apply.py
(ApplyGuardrail, judged by the documented rules of guardrail_eval.py).

They share the catalogue of models and system-defined profiles of catalogue.py (which also decides which model ids
the runtime refuses); the control plane's errors, request checks, ids, times, page tokens, signed region, settings
and control-route answers of control_plane.py; the tags of every resource of tagging.py; the errors a test queues
for the next calls of any operation of operation_faults.py; and the HTTP server, recording and SigV4 check of
server.py, core.py and sigv4.py. Only the standard library is needed; botocore is imported lazily, for
``--verify-sigv4`` only.
"""
