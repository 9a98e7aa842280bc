"""The long fuzz campaign: every public entry point, each input in a worker process.

    python scripts/fuzz.py                      # the default campaign (>= 100,000 inputs)
    python scripts/fuzz.py --scale 0.01         # a quick one
    python scripts/fuzz.py --targets decode tag --scale 0.1 --seed 3
    python scripts/fuzz.py --replay tag:3:1234  # rerun one input in this process, with its traceback

The generators and checks are those of tests/fuzz_targets.py (also used by
tests/test_fuzz.py). Inputs are derived from ``(seed, target, index)``, so any
failure can be replayed. A worker process runs the inputs of one target in
order and reports each one; the parent counts:

- ``ok`` / ``refused``: accepted with sound output / refused with a ConsensusNLPError;
- ``broken``: an invariant failed (round trip, NaN, offsets): an AssertionError;
- ``foreign``: any other exception escaped;
- ``abort``: the worker died (SIGABRT, SIGSEGV…) on that input; a new worker goes on;
- ``hang``: no answer within 5 s (the worker is killed; a new one goes on).

Writes a JSON summary (``--out``, default benchmarks/results/fuzz.json) with the
counts per target, the first examples of each failure kind, the load average
and the time taken.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: where fuzz_targets.py lives (tests/; the suite points it elsewhere to test this script)
sys.path.insert(0, os.environ.get("CONSENSUS_NLP_FUZZ_TARGETS", str(ROOT / "tests")))

#: inputs per target at scale 1 (109,000 in all); slow targets get fewer, so that the run stays under ~30 min
COUNTS = {
    "decode": 35000, "jsonl_round_trip": 4000, "from_jsonl": 3000, "records": 4000, "normalize": 25000, "cut": 8000,
    "tokenize": 3000, "tag": 8000, "outline": 10000, "parse_page": 1500, "dtm_keyness": 2000, "emphasis": 1500,
    "fit_topics": 1500, "load_themes": 2500,
}
TIME_LIMIT = 5.0
KINDS = ("ok", "refused", "broken", "foreign", "abort", "hang")


def rng_for(seed: int, target: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{target}:{index}")


def classify(target: str, seed: int, index: int) -> tuple[str, str]:
    from fuzz_targets import TARGETS

    from consensus_nlp.errors import ConsensusNLPError

    generate, check = TARGETS[target]
    try:
        check(generate(rng_for(seed, target, index)))
    except ConsensusNLPError:
        return "refused", ""
    except AssertionError as exc:
        return "broken", f"AssertionError: {str(exc)[:300]}"
    except RecursionError:
        return "foreign", "RecursionError"
    except Exception as exc:  # noqa: BLE001 - counting them is the point
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return "foreign", f"{type(exc).__name__}: {str(exc)[:200]} ({Path(frame.filename).name}:{frame.lineno})"
    return "ok", ""


def worker(target: str, seed: int, start: int, stop: int) -> None:
    """Run inputs ``start..stop-1``: print ``begin i`` before and ``end i kind detail`` after each."""
    import fuzz_targets

    if hasattr(fuzz_targets, "warm_up"):
        fuzz_targets.warm_up()
    out = sys.stdout
    for i in range(start, stop):
        out.write(f"begin {i}\n")
        out.flush()
        kind, detail = classify(target, seed, i)
        out.write(f"end {i} {kind} {json.dumps(detail)}\n")
        out.flush()


def _spawn(target: str, seed: int, start: int, stop: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, __file__, "--worker", target, str(seed), str(start), str(stop)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, bufsize=1)


def campaign(target: str, seed: int, count: int, examples: dict[str, list[str]]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    next_index = 0
    warmup = 120.0  # the first input of a worker includes importing libraries and building dictionaries
    while next_index < count:
        proc = _spawn(target, seed, next_index, count)
        current, began, limit = None, time.monotonic(), warmup
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                line = proc.stdout.readline()
                if not line:  # the worker died
                    proc.wait()
                    if current is not None:
                        counts["abort"] += 1
                        examples.setdefault(f"{target}/abort", []).append(f"{target}:{seed}:{current} exit {proc.returncode}")
                        next_index = current + 1
                    else:
                        next_index = count  # died before starting: nothing more to learn
                    break
                word, index, *rest = line.rstrip("\n").split(" ", 3)
                if word == "begin":
                    current, began = int(index), time.monotonic()
                else:
                    kind, detail = rest[0], json.loads(rest[1]) if len(rest) > 1 else ""
                    counts[kind] += 1
                    if kind not in ("ok", "refused") and len(examples.setdefault(f"{target}/{kind}", [])) < 10:
                        examples[f"{target}/{kind}"].append(f"{target}:{seed}:{index} {detail}")
                    current, limit, next_index = None, TIME_LIMIT, int(index) + 1
            elif current is not None and time.monotonic() - began > limit:
                proc.kill()
                proc.wait()
                counts["hang"] += 1
                examples.setdefault(f"{target}/hang", []).append(f"{target}:{seed}:{current} > {limit:.0f} s")
                next_index = current + 1
                break
        if proc.poll() is None:
            proc.wait()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", nargs="*", default=list(COUNTS))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of inputs per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fuzz.json"))
    parser.add_argument("--replay", help="target:seed:index, run in this process with the traceback")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        target, seed, start, stop = args.worker
        worker(target, int(seed), int(start), int(stop))
        return 0
    if args.replay:
        from fuzz_targets import TARGETS

        target, seed, index = args.replay.split(":")
        generate, check = TARGETS[target]
        value = generate(rng_for(int(seed), target, int(index)))
        print(repr(value)[:2000])
        check(value)
        print("ok")
        return 0
    started, load = time.time(), os.getloadavg()
    totals, examples, per_target = dict.fromkeys(KINDS, 0), {}, {}
    for target in args.targets:
        t0 = time.time()
        counts = campaign(target, args.seed, max(1, round(COUNTS[target] * args.scale)), examples)
        per_target[target] = {**counts, "seconds": round(time.time() - t0, 1)}
        for k in KINDS:
            totals[k] += counts[k]
        print(f"{target:18s} " + " ".join(f"{k}={counts[k]}" for k in KINDS) + f"  {time.time() - t0:.0f} s", flush=True)
    summary = {
        "inputs": sum(totals.values()), "totals": totals, "per_target": per_target, "examples": examples,
        "seed": args.seed, "scale": args.scale, "seconds": round(time.time() - started, 1),
        "loadavg_start": load, "loadavg_end": os.getloadavg(), "python": sys.version.split()[0],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"inputs": summary["inputs"], **totals, "seconds": summary["seconds"]}))
    failures = totals["broken"] + totals["foreign"] + totals["abort"] + totals["hang"]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
