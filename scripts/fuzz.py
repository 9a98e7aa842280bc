"""The long fuzz campaign: every public entry point, each input in a worker process.

    python scripts/fuzz.py                          # the default campaign (>= 200,000 inputs)
    python scripts/fuzz.py --scale 0.01             # a quick one
    python scripts/fuzz.py --targets decode 'api:Tokens*' --scale 0.1 --seed 3
    python scripts/fuzz.py --rounds 4               # every target a quarter at a time
    python scripts/fuzz.py --list                   # the targets and their counts
    python scripts/fuzz.py --replay api:tag:3:1234  # rerun one input in this process, with its traceback

The targets are the hand-written ones of tests/fuzz_targets.py and one per public
callable of the package (``api:<name>``, tests/fuzz_api.py, found by introspection).
Inputs are derived from ``(seed, target, index)``, so any failure can be replayed. One
worker process loads the libraries and fixtures once and runs the inputs of every
target in order, reporting each one; the parent counts:

- ``ok`` / ``refused``: accepted with sound output / refused with a ConsensusNLPError;
- ``broken``: an invariant failed (round trip, NaN, offsets): an AssertionError;
- ``foreign``: any other exception escaped;
- ``abort``: the worker died (SIGABRT, SIGSEGV…) on that input; a new worker goes on;
- ``hang``: more than 5 s of CPU time (or 60 s of wall time) on one input (the worker is
  killed; a new one goes on).

Writes a JSON summary (``--out``, default benchmarks/results/fuzz.json) after every
target, with the counts per target, the first examples of each failure kind, the load
average and the time taken: a run stopped early keeps what it counted.
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
#: inputs per ``api:<callable>`` target of tests/fuzz_api.py at scale 1 (slow callables: ``API_SLOW_COUNT``)
API_COUNT, API_SLOW_COUNT = 1000, 150
#: a hang: an input that takes more than TIME_LIMIT seconds of the worker's CPU time, or more than
#: WALL_LIMIT seconds of wall time (on a shared machine, wall time alone counts other people's load)
TIME_LIMIT, WALL_LIMIT = 5.0, 60.0
KINDS = ("ok", "refused", "broken", "foreign", "abort", "hang")


def all_targets() -> dict:
    """The hand-written targets of tests/fuzz_targets.py and one ``api:<callable>`` target per public callable."""
    from fuzz_targets import TARGETS

    try:
        import fuzz_api
    except ImportError:  # a stand-in targets folder (the suite's own test of this script)
        return dict(TARGETS)
    return {**TARGETS, **fuzz_api.targets()}


def default_count(target: str) -> int:
    if target in COUNTS:
        return COUNTS[target]
    import fuzz_api

    return API_SLOW_COUNT if target.removeprefix("api:").startswith(fuzz_api.SLOW) else API_COUNT


class InputRandom(random.Random):
    """The generator of one input; ``index`` lets a generator make every few inputs a valid call."""

    def __init__(self, seed: str, index: int) -> None:
        super().__init__(seed)
        self.index = index


def rng_for(seed: int, target: str, index: int) -> random.Random:
    return InputRandom(f"{seed}:{target}:{index}", index)


def classify(target: str, seed: int, index: int) -> tuple[str, str]:
    from consensus_nlp.errors import ConsensusNLPError

    generate, check = all_targets()[target]
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


def worker(seed: int, plan: list[tuple[str, int, int]]) -> None:
    """Run the inputs of ``plan`` (target, start, stop), in order, in this one process.

    Prints ``begin TARGET i`` before and ``end TARGET i KIND DETAIL`` after each input. The
    libraries and fixtures are loaded once (``warm_up``), so a worker serves many targets.
    """
    import tempfile

    import fuzz_targets

    os.chdir(tempfile.mkdtemp(prefix="cn-fuzz-cwd-"))  # hostile relative paths ("x", "year") land here, not in the repo
    if hasattr(fuzz_targets, "warm_up"):
        fuzz_targets.warm_up()
    if any(target.startswith("api:") for target, _, _ in plan):
        import fuzz_api

        fuzz_api.warm_up(" ".join(target for target, _, _ in plan))
    out = sys.stdout
    for target, start, stop in plan:
        for i in range(start, stop):
            out.write(f"begin {target} {i}\n")
            out.flush()
            kind, detail = classify(target, seed, i)
            out.write(f"end {target} {i} {kind} {json.dumps(detail)}\n")
            out.flush()


def _spawn(seed: int, plan: list[tuple[str, int, int]]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.Popen([sys.executable, __file__, "--worker", str(seed), json.dumps(plan)], stdout=subprocess.PIPE,
                            stderr=None if os.environ.get("CONSENSUS_NLP_FUZZ_STDERR") else subprocess.DEVNULL, env=env)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc; 0 elsewhere: then only the wall limit holds)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _note(examples: dict[str, list[str]], key: str, text: str) -> None:
    if len(examples.setdefault(key, [])) < 10:
        examples[key].append(text)


def _lines(proc: subprocess.Popen):
    """The worker's output lines as they come; None after a second without a complete line; "" at its end.

    Reads the pipe's file descriptor itself: ``select`` on a buffered reader misses lines already in
    the reader's buffer (an "end" and the next "begin" arriving together), and a hang after them
    would then never be noticed.
    """
    fd, pending = proc.stdout.fileno(), b""
    while True:
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line.decode("utf-8") + "\n"
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            yield None
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            while True:
                yield ""
        pending += chunk


def run_campaign(plan: list[tuple], seed: int, examples: dict[str, list[str]],
                 report=None) -> dict[str, dict[str, int]]:
    """Run ``count`` inputs of each target of ``plan`` in worker processes; counts per target.

    One worker runs the targets one after the other; when it dies (an abort) or is killed (an
    input past ``TIME_LIMIT`` seconds: a hang), a new worker goes on with the next input.
    ``report(target, counts)`` is called when a target is done.
    """
    plan = [item if len(item) == 3 else (item[0], 0, item[1]) for item in plan]  # (target, count) or (target, start, stop)
    counts = {target: dict.fromkeys(KINDS, 0) for target, _, _ in plan}
    remaining = [item for item in plan if item[2] > item[1]]
    warmup = 300.0  # a new worker imports the libraries and builds the fixtures before its first input
    while remaining:
        proc = _spawn(seed, remaining)
        current, began, cpu_began, limit = None, time.monotonic(), 0.0, warmup
        lines = _lines(proc)
        while True:
            line = next(lines)
            if line is not None:
                if not line:  # the worker died
                    proc.wait()
                    if current is None:  # done, or died before its first input (its warm-up failed)
                        if remaining:
                            _note(examples, f"{remaining[0][0]}/warm-up", f"worker exit {proc.returncode}")
                        remaining = []
                    else:
                        target, index = current
                        counts[target]["abort"] += 1
                        _note(examples, f"{target}/abort", f"{target}:{seed}:{index} exit {proc.returncode}")
                        remaining = _after(remaining, target, index)
                    break
                word, target, index, *rest = line.rstrip("\n").split(" ", 4)
                if word == "begin":
                    current, began, cpu_began = (target, int(index)), time.monotonic(), _cpu_seconds(proc.pid)
                    continue
                kind, detail = rest[0], json.loads(rest[1]) if len(rest) > 1 else ""
                counts[target][kind] += 1
                if kind not in ("ok", "refused"):
                    _note(examples, f"{target}/{kind}", f"{target}:{seed}:{index} {detail}")
                current, limit = None, TIME_LIMIT
                remaining = _after(remaining, target, int(index))
                if report and (not remaining or remaining[0][0] != target):
                    report(target, counts[target])
            elif current is not None and (time.monotonic() - began > max(limit, WALL_LIMIT)
                                          or _cpu_seconds(proc.pid) - cpu_began > limit):
                cpu, wall = _cpu_seconds(proc.pid) - cpu_began, time.monotonic() - began
                proc.kill()
                proc.wait()
                target, index = current
                counts[target]["hang"] += 1
                _note(examples, f"{target}/hang", f"{target}:{seed}:{index} {cpu:.0f} s CPU, {wall:.0f} s wall")
                remaining = _after(remaining, target, index)
                break
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return counts


def _after(remaining: list[tuple[str, int, int]], target: str, index: int) -> list[tuple[str, int, int]]:
    """The plan left once input ``index`` of ``target`` is done."""
    rest = [item for item in remaining if item[0] != target or item[2] > index + 1]
    return [(t, index + 1, stop) if t == target else (t, a, stop) for t, a, stop in rest]


def campaign(target: str, seed: int, count: int, examples: dict[str, list[str]]) -> dict[str, int]:
    """``count`` inputs of one target (see :func:`run_campaign`)."""
    return run_campaign([(target, count)], seed, examples)[target]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", nargs="*", help="names of targets (default: all); a name ending in * is a prefix")
    parser.add_argument("--list", action="store_true", help="print the targets and their default counts")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of inputs per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fuzz.json"))
    parser.add_argument("--replay", help="target:seed:index, run in this process with the traceback")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every target's inputs in this many rounds over all targets (the summary is written "
                             "after each target), so that a run stopped early has covered every target alike")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        seed, plan = args.worker
        worker(int(seed), [tuple(item) for item in json.loads(plan)])
        return 0
    known = all_targets()
    if args.list:
        for name in known:
            print(name, default_count(name))
        return 0
    if args.replay:
        seed, index = args.replay.split(":")[-2:]
        target = args.replay[: -len(f":{seed}:{index}")]
        generate, check = known[target]
        value = generate(rng_for(int(seed), target, int(index)))
        print(ascii(value)[:2000])
        check(value)
        print("ok")
        return 0
    started, load = time.time(), os.getloadavg()
    totals, examples, per_target = dict.fromkeys(KINDS, 0), {}, {}
    chosen = [t for t in known if not args.targets or any(t == p or p.endswith("*") and t.startswith(p[:-1])
                                                          for p in args.targets)]
    started_target = [time.time()]
    plan = [(t, max(1, round(default_count(t) * args.scale))) for t in chosen]

    def summary() -> dict:
        return {
            "inputs": sum(totals.values()), "totals": totals, "per_target": per_target, "examples": examples,
            "seed": args.seed, "scale": args.scale, "rounds": args.rounds, "planned": sum(c for _, c in plan),
            "seconds": round(time.time() - started, 1), "loadavg_start": load, "loadavg_end": os.getloadavg(),
            "python": sys.version.split()[0],
        }

    def write() -> None:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(summary(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def report(target: str, counts: dict[str, int]) -> None:
        done = per_target.setdefault(target, {**dict.fromkeys(KINDS, 0), "seconds": 0.0})
        for k in KINDS:
            done[k] += counts[k]
            totals[k] += counts[k]
        done["seconds"] = round(done["seconds"] + time.time() - started_target[0], 1)
        started_target[0] = time.time()
        print(f"{target:28s} " + " ".join(f"{k}={counts[k]}" for k in KINDS) + f"  {time.time() - started:.0f} s",
              flush=True)
        write()

    for r in range(args.rounds):
        part = [(t, c * r // args.rounds, c * (r + 1) // args.rounds) for t, c in plan]
        reported: set[str] = set()

        def once(target: str, counts: dict[str, int]) -> None:
            reported.add(target)
            report(target, counts)

        for target, counts in run_campaign(part, args.seed, examples, once).items():
            if target not in reported and any(counts.values()):  # its last input was an abort or a hang
                report(target, counts)
    write()
    result = summary()
    print(json.dumps({"inputs": result["inputs"], **totals, "seconds": result["seconds"]}))
    failures = totals["broken"] + totals["foreign"] + totals["abort"] + totals["hang"]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
