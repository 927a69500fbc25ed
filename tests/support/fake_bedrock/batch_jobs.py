# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Batch inference jobs of the fake Bedrock endpoint: the store, idempotency, quotas and each job's lifecycle.

A job runs in a thread of its own: Submitted, Validating (reads and checks the input), Scheduled, InProgress
(answers the records and writes the output), then Completed, PartiallyCompleted, Failed, Stopped or Expired.
Each status lasts ``BatchConfig.step_seconds`` (None: until a test advances it), so a test chooses the pace.

Leading words of a job name pick a scenario (any of them, in any order, each followed by ``-``):
``hold`` stays InProgress until stopped, advanced or finished; ``expire`` expires after Scheduled; ``fail`` fails
when it starts running; ``partial`` answers only the first half of the records (PartiallyCompleted); ``dropped``
cuts the connection instead of answering the create that made the job.
"""

from __future__ import annotations

import copy
import datetime
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .batch_rules import ACTIVE_STATUSES
from .batch_rules import FINAL_STATUSES
from .batch_rules import BatchConfig
from .batch_runner import Answerer
from .batch_runner import Counts
from .batch_runner import JobFailure
from .batch_runner import count_records
from .batch_runner import input_objects
from .batch_runner import output_prefix
from .batch_runner import process
from .batch_runner import write_manifest
from .control_plane import decode_token
from .control_plane import encode_token
from .control_plane import error
from .control_plane import iso
from .control_plane import new_id
from .control_plane import now
from .models import family_model_id
from .models import family_reply
from .s3_proxy import S3Upstream
from .tagging import TagStore

SCENARIOS = ("hold", "expire", "fail", "partial", "dropped")
EXPIRED_MESSAGE = (
    "The job timed out because it was scheduled but didn't begin before the set timeout duration. "
    "Submit a new job request."
)
FAILED_MESSAGE = "An internal error occurred while running the batch inference job. Submit a new job request."
PARTIAL_MESSAGE = "Not all of your records could be processed in time."


@dataclass
class Job:
    seq: int
    job_id: str
    arn: str
    request: dict[str, Any]
    scenarios: set[str]
    submit_time: datetime.datetime
    status: str = "Submitted"
    # The model id its records are answered as (an application inference profile's model), set on creation.
    answer_as: str = ""
    message: str | None = None
    last_modified: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    counts: Counts | None = None
    started: bool = False
    # Every status the job had, for the control routes: polling can miss a short one.
    history: list[str] = field(default_factory=lambda: ["Submitted"])
    # Test controls: pauses still to skip, skip every pause, a stop asked for, the job forgotten by a reset.
    advances: int = 0
    rush: bool = False
    stop_requested: bool = False
    abandoned: bool = False

    @property
    def name(self) -> str:
        return self.request["jobName"]

    @property
    def model_id(self) -> str:
        return self.request["modelId"]

    def describe(self) -> dict[str, Any]:
        """The job as GetModelInvocationJob and the list's summaries show it (absent members left out)."""
        request = self.request
        hours = request.get("timeoutDurationInHours", 24)
        result: dict[str, Any] = {
            "jobArn": self.arn,
            "jobName": self.name,
            "modelId": self.model_id,
            "roleArn": request["roleArn"],
            "status": self.status,
            "submitTime": iso(self.submit_time),
            "lastModifiedTime": iso(self.last_modified or self.submit_time),
            "inputDataConfig": request["inputDataConfig"],
            "outputDataConfig": request["outputDataConfig"],
            "timeoutDurationInHours": hours,
            "jobExpirationTime": iso(self.submit_time + datetime.timedelta(hours=hours)),
            "modelInvocationType": request.get("modelInvocationType", "InvokeModel"),
        }
        if "clientRequestToken" in request:
            result["clientRequestToken"] = request["clientRequestToken"]
        if self.message is not None:
            result["message"] = self.message
        if self.end_time is not None:
            result["endTime"] = iso(self.end_time)
        if "vpcConfig" in request:
            result["vpcConfig"] = request["vpcConfig"]
        if self.counts is not None:
            result["totalRecordCount"] = self.counts.total
            if self.started:
                result["processedRecordCount"] = self.counts.processed
                result["successRecordCount"] = self.counts.success
                result["errorRecordCount"] = self.counts.errors
        return result


def scenarios_of(name: str) -> set[str]:
    found = set()
    for word in name.split("-")[:-1]:
        if word not in SCENARIOS:
            break
        found.add(word)
    return found


class JobStore:
    """Every job of one fake server, by id, with the test controls."""

    def __init__(self, s3: S3Upstream | None, config: BatchConfig | None = None, tags: TagStore | None = None) -> None:
        self._s3 = s3
        # The server's tags of every resource (tagging.py); a store of its own when used alone.
        self.tags = tags if tags is not None else TagStore()
        self.defaults = copy.deepcopy(config or BatchConfig())
        self.config = copy.deepcopy(self.defaults)
        self.cond = threading.Condition()
        self.jobs: dict[str, Job] = {}
        self._seq = 0

    # --- the API -----------------------------------------------------------------------------------------------

    def create(self, request: dict[str, Any], region: str, answer_as: str | None = None) -> tuple[Job, bool]:
        """The job a (checked) create request names, and whether this request created it; its records are answered
        as ``answer_as`` (the model an application inference profile copies) or its modelId."""
        with self.cond:
            token = request.get("clientRequestToken")
            if token is not None:
                for job in self.jobs.values():
                    if job.request.get("clientRequestToken") == token:
                        if job.request != request:
                            raise error(
                                "ConflictException",
                                f"The clientRequestToken {token} was already used by another request.",
                            )
                        return job, False
            if not _known_model(answer_as or request["modelId"]):
                raise error("ResourceNotFoundException", f"The model {request['modelId']} could not be found.")
            if any(job.name == request["jobName"] for job in self.jobs.values()):
                raise error("ConflictException", f"A batch inference job named {request['jobName']} already exists.")
            active = sum(
                1 for job in self.jobs.values() if job.model_id == request["modelId"] and job.status in ACTIVE_STATUSES
            )
            if active >= self.config.max_active_jobs:
                raise error(
                    "ServiceQuotaExceededException",
                    f"You have reached the quota of {self.config.max_active_jobs} in-progress and submitted batch "
                    f"inference jobs for {request['modelId']}.",
                )
            job_id = new_id(self.jobs)
            arn = f"arn:aws:bedrock:{region}:{self.config.account}:model-invocation-job/{job_id}"
            self._seq += 1
            job = Job(self._seq, job_id, arn, copy.deepcopy(request), scenarios_of(request["jobName"]), now())
            job.answer_as = answer_as or request["modelId"]
            self.jobs[job_id] = job
            self.tags.add(arn, request.get("tags"))
        threading.Thread(target=self._lifecycle, args=(job,), name=f"batch-{job_id}", daemon=True).start()
        return job, True

    def find(self, identifier: str) -> Job:
        job = self.jobs.get(identifier.rsplit("/", 1)[-1])
        if job is None or (identifier.startswith("arn:") and job.arn.split(":", 4)[4] != identifier.split(":", 4)[4]):
            raise error("ResourceNotFoundException", f"The batch inference job {identifier} could not be found.")
        return job

    def get(self, identifier: str) -> dict[str, Any]:
        with self.cond:
            return self.find(identifier).describe()

    def stop(self, identifier: str) -> None:
        with self.cond:
            job = self.find(identifier)
            if job.status in FINAL_STATUSES:
                raise error("ConflictException", f"The job {job.arn} is {job.status} and can no longer be stopped.")
            if job.status != "Stopping":
                self._set(job, "Stopping")
                job.stop_requested = True
                self.cond.notify_all()

    def list(self, query: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            jobs = sorted(self.jobs.values(), key=lambda job: job.seq)
            if query.get("sortOrder", "Descending") == "Descending":
                jobs.reverse()
            if "nextToken" in query:
                after = decode_token(query["nextToken"])
                position = next((i for i, job in enumerate(jobs) if job.seq == after), None)
                if position is None:
                    raise error("ValidationException", "The nextToken is not valid for this request.")
                jobs = jobs[position + 1 :]
            wanted = [job for job in jobs if _matches(job, query)]
            size = query.get("maxResults", self.config.default_page_size)
            page = wanted[:size]
            result: dict[str, Any] = {"invocationJobSummaries": [job.describe() for job in page]}
            if len(wanted) > size:
                result["nextToken"] = encode_token(page[-1].seq)
            return result

    # --- test controls -----------------------------------------------------------------------------------------

    def advance(self, identifier: str, steps: int = 1) -> None:
        with self.cond:
            self._by_id_or_name(identifier).advances += steps
            self.cond.notify_all()

    def finish(self, identifier: str | None, status: str | None = None) -> None:
        """Run a job (or every job) to its final status at once; ``status`` picks which one."""
        forced = {None: None, "Completed": None, "PartiallyCompleted": "partial", "Failed": "fail", "Expired": "expire"}
        with self.cond:
            jobs = [self._by_id_or_name(identifier)] if identifier else list(self.jobs.values())
            for job in jobs:
                if status == "Stopped":
                    if job.status not in FINAL_STATUSES and job.status != "Stopping":
                        self._set(job, "Stopping")
                        job.stop_requested = True
                elif status is not None:
                    # The status asked for wins over the scenario the job's name picked.
                    job.scenarios -= {"expire", "fail", "partial"}
                    if forced[status]:
                        job.scenarios.add(forced[status])
                job.scenarios.discard("hold")
                job.rush = True
            self.cond.notify_all()

    def wait_final(self, identifier: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.cond:
            job = self._by_id_or_name(identifier)
            while job.status not in FINAL_STATUSES and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return {**job.describe(), "history": list(job.history)}

    def reset(self) -> None:
        with self.cond:
            for job in self.jobs.values():
                job.abandoned = job.rush = job.stop_requested = True
            self.jobs.clear()
            self.tags.forget_where(lambda arn: ":model-invocation-job/" in arn)
            self.config = copy.deepcopy(self.defaults)
            self.cond.notify_all()

    def snapshot(self) -> list[dict[str, Any]]:
        with self.cond:
            return [
                {
                    **job.describe(),
                    "jobId": job.job_id,
                    "scenarios": sorted(job.scenarios),
                    "history": list(job.history),
                    "outputLocation": "s3://%s/%s" % output_prefix(_output_uri(job), job.job_id),
                    "manifest": job.counts.manifest() if job.counts is not None else None,
                }
                for job in sorted(self.jobs.values(), key=lambda job: job.seq)
            ]

    def _by_id_or_name(self, identifier: str) -> Job:
        for job in self.jobs.values():
            if identifier in (job.name, job.job_id, job.arn):
                return job
        raise error("ResourceNotFoundException", f"No batch job {identifier}.")

    # --- the lifecycle -----------------------------------------------------------------------------------------

    def _set(self, job: Job, status: str, message: str | None = None) -> None:
        """Change a job's status; the caller holds ``cond``."""
        if job.abandoned or (job.stop_requested and status in ("Validating", "Scheduled", "InProgress")):
            # A job being stopped shows Stopping until it is Stopped (or fails on the way).
            return
        job.status = status
        job.history.append(status)
        job.last_modified = now()
        if message is not None:
            job.message = message
        if status in FINAL_STATUSES:
            job.end_time = job.last_modified
        self.cond.notify_all()

    def _move(self, job: Job, status: str, message: str | None = None) -> None:
        with self.cond:
            self._set(job, status, message)

    def _pause(self, job: Job, hold: bool = False, stoppable: bool = True) -> bool:
        """Let the current status last its time; False when a stop was asked for."""
        start = time.monotonic()
        with self.cond:
            while True:
                if stoppable and job.stop_requested:
                    return False
                if job.rush or job.abandoned:
                    return True
                if job.advances > 0:
                    job.advances -= 1
                    return True
                step = self.config.step_seconds
                remaining = None
                if not hold and step is not None:
                    remaining = start + step - time.monotonic()
                    if remaining <= 0:
                        return True
                self.cond.wait(remaining)

    def _lifecycle(self, job: Job) -> None:
        try:
            self._run(job)
        except Exception as exc:  # pylint: disable=broad-except
            # A bug in the fake (or S3 going away) shows as a failed job with the reason, never a job stuck running.
            self._move(job, "Failed", f"The fake batch service failed: {exc!r}")

    def _run(self, job: Job) -> None:
        s3 = self._s3
        if not self._pause(job):
            return self._stopped(job)
        self._move(job, "Validating")
        failure = None
        objects: list[tuple[str, str]] = []
        try:
            if s3 is None:
                raise JobFailure("The fake endpoint has no S3 upstream (--s3-upstream), so it cannot read the input.")
            objects = input_objects(s3, job.request["inputDataConfig"]["s3InputDataConfig"]["s3Uri"])
            total = count_records(s3, objects)
            with self.cond:
                job.counts = Counts(total=total)
            minimum = self.config.min_records_per_model.get(job.model_id, self.config.min_records)
            if total < minimum:
                raise JobFailure(
                    f"The input has {total} records, fewer than the minimum of {minimum} records per batch "
                    f"inference job for model {job.model_id}."
                )
            if total > self.config.max_records:
                raise JobFailure(
                    f"The input has {total} records, more than the maximum of {self.config.max_records} records per "
                    f"batch inference job for model {job.model_id}."
                )
        except JobFailure as exc:
            failure = str(exc)
        if not self._pause(job):
            return self._stopped(job)
        if failure is not None:
            return self._move(job, "Failed", failure)
        self._move(job, "Scheduled")
        if not self._pause(job):
            return self._stopped(job)
        if "expire" in job.scenarios:
            return self._move(job, "Expired", EXPIRED_MESSAGE)
        with self.cond:
            job.started = True
            self._set(job, "InProgress")
        if "fail" in job.scenarios:
            return self._move(job, "Failed", FAILED_MESSAGE)
        if "hold" in job.scenarios and not self._pause(job, hold=True):
            return self._stopped(job, s3, objects)
        self._work(job, s3, objects)

    def _work(self, job: Job, s3: Any, objects: list[tuple[str, str]]) -> None:
        assert job.counts is not None
        request = job.request
        output = request["outputDataConfig"]["s3OutputDataConfig"]
        bucket, prefix = output_prefix(output["s3Uri"], job.job_id)
        limit = (job.counts.total + 1) // 2 if "partial" in job.scenarios else None
        answer = Answerer(job.answer_as, request.get("modelInvocationType", "InvokeModel"))
        counts = Counts(total=job.counts.total)

        def progress(current: Counts) -> bool:
            with self.cond:
                job.counts = Counts(**current.__dict__)
                return not job.stop_requested and not job.abandoned

        try:
            finished = process(
                s3, objects, answer, bucket, prefix, counts, limit, progress, output.get("s3EncryptionKeyId")
            )
            write_manifest(s3, bucket, prefix, counts, output.get("s3EncryptionKeyId"))
        except JobFailure as exc:
            return self._move(job, "Failed", str(exc))
        if not finished:
            return self._stopped(job)
        if not self._pause(job):
            return self._stopped(job)
        if "fail" in job.scenarios:
            return self._move(job, "Failed", FAILED_MESSAGE)
        if "expire" in job.scenarios:
            return self._move(job, "Expired", EXPIRED_MESSAGE)
        if limit is not None and counts.processed < counts.total:
            return self._move(job, "PartiallyCompleted", PARTIAL_MESSAGE)
        self._move(job, "Completed")

    def _stopped(self, job: Job, s3: Any = None, objects: list[tuple[str, str]] | None = None) -> None:
        """Finish a stop: the job shows Stopping for a step, then Stopped (with a manifest if it had started)."""
        if s3 is not None and job.counts is not None:
            output = job.request["outputDataConfig"]["s3OutputDataConfig"]
            bucket, prefix = output_prefix(output["s3Uri"], job.job_id)
            try:
                write_manifest(s3, bucket, prefix, job.counts, output.get("s3EncryptionKeyId"))
            except JobFailure:
                pass  # Stopped all the same: a stopped job's output is whatever it managed to write.
        self._pause(job, stoppable=False)
        self._move(job, "Stopped")


def _output_uri(job: Job) -> str:
    return job.request["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"]


def _known_model(model_id: str) -> bool:
    """Whether the fake can answer for a model: a family it knows, a test model, or a custom model ARN."""
    if ":custom-model/" in model_id:
        return True
    family = family_model_id(model_id)
    # family_reply answers (here: refuses the body) for every family it knows, and None for the others.
    return family.startswith("test.") or family_reply(family, b"null") is not None


def _matches(job: Job, query: dict[str, Any]) -> bool:
    if "statusEquals" in query and job.status != query["statusEquals"]:
        return False
    if "nameContains" in query and query["nameContains"].lower() not in job.name.lower():
        return False
    if "submitTimeAfter" in query and not job.submit_time > query["submitTimeAfter"]:
        return False
    if "submitTimeBefore" in query and not job.submit_time < query["submitTimeBefore"]:
        return False
    return True
