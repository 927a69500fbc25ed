# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark behind ``make bench`` (scripts/bench.sh starts the endpoints and calls this; see README.md here).

    python scripts/bench/run.py --collections-path DIR --output docs/benchmarks.md [--rounds 3] [--only many]
    python scripts/bench/run.py --report-only build/bench/results.json --collections-path DIR --output FILE

Measures every family (FAMILIES) against the fake on 127.0.0.1 (AWS_URL) in rounds, each running every measurement
once in an order rotated from round to round, then what is too long to repeat; prints a table, writes the report,
and keeps what it is made of in results.json, from which --report-only writes it again. Times come from this
process's clock and from a callback plugin (single tasks); CPU time and peak memory from wait4(2).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import sys
import tempfile
import time
from typing import Any

import batch
import converse
import guardrail
import many_prompts
import one_call
from common import Bench
from common import BenchError
from common import machine
from common import rotated
from common import timed
from report import Results
from report import load_state
from report import save_state

# Every scenario family, in the order the report gives their sections (and the rounds begin with their blocks).
FAMILIES: list[Any] = [many_prompts, one_call, converse, batch, guardrail]


def select(only: str) -> list[Any]:
    """The families named in `only` (comma-separated NAMEs), or all of them when it is empty, in FAMILIES order."""
    names = {name.strip() for name in only.split(",") if name.strip()}
    unknown = names - {family.NAME for family in FAMILIES}
    if unknown:
        choices = ", ".join(family.NAME for family in FAMILIES)
        raise ValueError(f"no such family: {', '.join(sorted(unknown))} (choose from {choices})")
    return [family for family in FAMILIES if not names or family.NAME in names]


def measure(bench: Bench, families: list[Any], rounds: int) -> None:
    """Every family's plan: its blocks every round, the blocks and the measurements within them taking turns."""
    # A family's plan may set the endpoint up (the batch family's buckets): it can fail as a measurement does.
    plans = [family.plan(bench) for family in families]
    blocks = [block for plan in plans for block in plan.rounds]
    for number in range(rounds):
        for name, take in [measurement for block in rotated(blocks, number) for measurement in rotated(block, number)]:
            timed(f"round {number + 1}/{rounds}: {name}", take)
    for name, take in [measurement for plan in plans for measurement in plan.once]:
        timed(f"once: {name}", take)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--collections-path", required=True, help="directory holding ansible_collections/amazon/ai")
    parser.add_argument("--output", required=True, help="the Markdown report to write (docs/benchmarks.md)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work-dir", help="keep logs and per-run files here (default: a temporary directory, removed)")
    parser.add_argument("--report-only", metavar="RESULTS_JSON", help="write the report from a run's results.json")
    parser.add_argument("--only", default="", help="measure only these families, comma-separated")
    parser.add_argument("--endpoint-pid", type=int, help="the endpoint's process, to report its CPU time")
    args = parser.parse_args()
    collections = os.path.abspath(args.collections_path)
    try:
        families = select(args.only)
    except ValueError as e:
        parser.error(str(e))
    if args.report_only:
        with tempfile.TemporaryDirectory() as scratch:
            results = load_state(args.report_only, collections, scratch, FAMILIES)
    else:
        # Loopback only: the benchmark never sends a request anywhere else.
        if not os.environ.get("AWS_URL", "").startswith("http://127.0.0.1:") or not os.environ.get("AWS_REGION"):
            parser.error("AWS_URL must point at the local endpoint (http://127.0.0.1:PORT) and AWS_REGION be set")
        if shutil.which("ansible-playbook") is None:
            parser.error("ansible-playbook is not on PATH (run through scripts/bench.sh)")
        work = args.work_dir or tempfile.mkdtemp(prefix="amazon-ai-bench-")
        os.makedirs(work, exist_ok=True)
        bench = Bench(collections, work, sys.executable, args.endpoint_pid)
        run = dict(rounds=args.rounds, machine=machine(sys.executable, collections), load_before=os.getloadavg())
        run["started"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        started = time.perf_counter()
        try:
            measure(bench, families, args.rounds)
        except BenchError as e:
            print(f"\nbench: {e}", file=sys.stderr)
            return 1
        run.update(duration=time.perf_counter() - started, load_after=os.getloadavg())
        run["launcher_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = Results(bench, FAMILIES, run)
        save_state(results, os.path.join(work, "results.json"))
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
        print()
    results.print_table()
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(results.markdown())
    print(f"\nWrote {os.path.relpath(args.output)} ({results.run['duration'] / 60:.1f} minutes of measuring).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
