"""Scaling benchmark: People's Daily 1998 x1, x4, x16 as Parquet files, lazy on a LocalCluster against eager.

The January 1998 People's Daily paragraphs (``benchmarks/_pku.py``; cached in
``~/.cache/consensus-nlp``) are joined into documents of ``--paragraphs-per-doc``
paragraphs and written as ``--files-per-copy`` Parquet files per copy, replicated with
distinct doc ids (x4 = 7.2 M characters in 8 files; one partition per file). For each
size, in the same run and one right after the other:

* **eager**, one fresh process (``python dask_scaling.py --eager FOLDER``)::

      corpus = cn.Corpus.from_dataframe(pd.concat(pd.read_parquet(f) for f in files))
      tokens = cn.tokenize(corpus)
      cn.dtm(tokens, min_docs=2); cn.emphasis(tokens, by="group"); cn.tag(corpus).groupby("kind").size()

* **lazy**, this process as the driver of a fresh ``distributed.LocalCluster``
  (``--workers`` processes, one thread each; consensus-nlp imported in the workers first,
  as the eager process imports it and pandas before its clock starts; the driver imports
  ``dask.dataframe``, the lazy counterpart of pandas, before its clock too: 1.1 s)::

      lazy = cn.LazyCorpus.from_parquet(folder); tokens = cn.tokenize(lazy)
      cn.compute(cn.dtm(tokens, min_docs=2), cn.emphasis(tokens, by="group"),
                 cn.tag(lazy).groupby("kind").size(split_out=1))   # one pass: each partition read and segmented once

  (``split_out=1``: the table has seven rows; without it Dask shuffles the group-by from 16
  partitions on, ``split_out = ceil(npartitions / 15)``, which is a cost of that expression, not of the stages)

Recorded per size: both wall times (end to end: reading the files to the finished
results), their ratio, characters per second, the peak resident memory of every worker
(``VmHWM``, the high-water mark of the process's own memory map: ``ru_maxrss`` is not used,
since Linux carries it over from the parent through ``fork``/``exec``, so a worker spawned by a
driver holding 600 MiB reported 600 MiB; fresh processes per size), of the eager process, and of the driver
(sampled every 50 ms during the lazy run), the CPU seconds of every process (the
driver's include the ``LocalCluster`` scheduler, which runs in it), a check that both runs give the same DTM,
emphasis counts and device counts, and ``/proc/loadavg`` before and after. Then a
projection to 1e9 characters from the marginal rate between the smallest and largest size.

Usage::

    nice -n 10 python benchmarks/dask_scaling.py --out benchmarks/results/dask_scaling.json [--sizes 1,4,16] [--rounds 2]

It is a script, not a test: run it alone, on a machine as quiet as you can get.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pku import read_pku  # noqa: E402


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    """This process's peak resident memory (``VmHWM``): of its own memory map, not inherited from its parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PeakRSS:
    """The highest resident memory of this process while the block runs (sampled)."""

    def __enter__(self) -> PeakRSS:
        self.peak, self._stop = rss_mib(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())


def write_copies(folder: Path, docs: list[str], copies: int, per_copy: int) -> int:
    import pandas as pd

    chars = 0
    size = -(-len(docs) // per_copy)
    for r in range(copies):
        for f in range(0, len(docs), size):
            chunk = docs[f:f + size]
            pd.DataFrame({
                "doc_id": [f"r{r:02d}-d{f + i:05d}" for i in range(len(chunk))],
                "text": chunk,
                "group": [f"g{(f + i) % 8}" for i in range(len(chunk))],
            }).to_parquet(folder / f"part-{r:02d}-{f // size:04d}.parquet", index=False)
            chars += sum(map(len, chunk))
    return chars


def summary(matrix, table, kinds) -> dict:
    """What the two runs must agree on."""
    return {"dtm_shape": list(matrix.shape), "dtm_nnz": int(matrix.counts.nnz), "dtm_sum": int(matrix.counts.sum()),
            "emphasis_hits": int(table.counts.to_numpy().sum()), "emphasis_tokens": int(table.totals.sum()),
            "devices_by_kind": {str(k): int(v) for k, v in sorted(kinds.items())}}


def run_eager(folder: Path) -> dict:
    """The eager run (in its own process): read, tokenize, dtm, emphasis, tag."""
    import pandas as pd

    import consensus_nlp as cn

    t, cpu = time.perf_counter(), cpu_seconds()
    frame = pd.concat([pd.read_parquet(f) for f in sorted(folder.glob("*.parquet"))], ignore_index=True)
    corpus = cn.Corpus.from_dataframe(frame, text="text", doc_id="doc_id")
    del frame
    tokens = cn.tokenize(corpus, progress=False)
    matrix = cn.dtm(tokens, min_docs=2)
    table = cn.emphasis(tokens, by="group")
    kinds = cn.tag(corpus).groupby("kind").size()
    seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    return {"seconds": seconds, "cpu_seconds": round(cpu, 2), "peak_rss_mib": round(peak_mib(), 1),
            **summary(matrix, table, kinds)}


def run_lazy(folder: Path, workers: int) -> dict:
    import dask.dataframe  # noqa: F401  (the lazy counterpart of the eager run's pandas import)
    from distributed import Client, LocalCluster

    import consensus_nlp as cn

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="6GiB") as cluster, Client(cluster) as client:
        client.run(lambda: __import__("consensus_nlp.integrations.dask", fromlist=["LazyCorpus"]))
        before = client.run(cpu_seconds)
        with PeakRSS() as driver:
            t, cpu = time.perf_counter(), cpu_seconds()
            lazy = cn.LazyCorpus.from_parquet(folder)
            tokens = cn.tokenize(lazy, progress=False)
            matrix, table, kinds = cn.compute(cn.dtm(tokens, min_docs=2), cn.emphasis(tokens, by="group"),
                                              cn.tag(lazy).groupby("kind").size(split_out=1))
            seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
        after = client.run(cpu_seconds)
        peaks = client.run(peak_mib)
        loads = client.run(lambda: __import__("consensus_nlp.integrations.dask_workers",
                                              fromlist=["worker_loads"]).worker_loads())
    workers_cpu = sorted(round(after[w] - before[w], 2) for w in after)
    return {"seconds": seconds, "npartitions": lazy.npartitions, "driver_cpu_seconds": round(cpu, 2),
            "worker_cpu_seconds": workers_cpu, "cpu_seconds": round(cpu + sum(workers_cpu), 2),
            "worker_peak_rss_mib": sorted(round(v, 1) for v in peaks.values()),
            "worker_loads": list(loads.values()), "driver_peak_rss_mib": round(driver.peak, 1),
            "dtm_mib": round((matrix.counts.data.nbytes + matrix.counts.indices.nbytes
                              + matrix.counts.indptr.nbytes) / 2**20, 1), **summary(matrix, table, kinds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--eager", type=Path, help=argparse.SUPPRESS)  # the eager child process
    parser.add_argument("--sizes", default="1,4,16")
    parser.add_argument("--rounds", type=int, default=1, help="eager + lazy pairs per size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paragraphs-per-doc", type=int, default=20)
    parser.add_argument("--files-per-copy", type=int, default=2)
    args = parser.parse_args()
    if args.eager:
        print(json.dumps(run_eager(args.eager)))
        return
    paragraphs = ["".join(w for w, _ in para) for para in read_pku()]
    docs = ["\n".join(paragraphs[i:i + args.paragraphs_per_doc]) for i in range(0, len(paragraphs), args.paragraphs_per_doc)]
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    results = {
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "uptime_at_start": uptime,
                    "note": "see loadavg per run"},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "parameters": {k: str(v) for k, v in vars(args).items() if k != "eager"},
        "base": {"paragraphs": len(paragraphs), "documents": len(docs), "characters": sum(map(len, docs))},
        "sizes": {},
    }
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            chars = write_copies(Path(tmp), docs, size, args.files_per_copy)
            rounds = []
            for _ in range(args.rounds):
                row = {"loadavg_before": loadavg()}
                child = subprocess.run([sys.executable, __file__, "--eager", tmp], capture_output=True, text=True,
                                       check=True)
                row["eager"] = json.loads(child.stdout.strip().splitlines()[-1])
                row["loadavg_between"] = loadavg()
                row["lazy"] = run_lazy(Path(tmp), args.workers)
                row["loadavg_after"] = loadavg()
                agree = [k for k in ("dtm_shape", "dtm_nnz", "dtm_sum", "emphasis_hits", "emphasis_tokens",
                                     "devices_by_kind") if row["eager"][k] != row["lazy"][k]]
                row["same_results"] = not agree
                row["lazy_over_eager"] = round(row["lazy"]["seconds"] / row["eager"]["seconds"], 3)
                row["lazy_mchars_per_second"] = round(chars / 1e6 / row["lazy"]["seconds"], 3)
                row["lazy_over_eager_cpu"] = round(row["lazy"]["cpu_seconds"] / row["eager"]["cpu_seconds"], 3)
                row["eager_mchars_per_second"] = round(chars / 1e6 / row["eager"]["seconds"], 3)
                rounds.append(row)
                print(f"x{size}: {chars / 1e6:.1f}M chars eager {row['eager']['seconds']:.1f}s lazy "
                      f"{row['lazy']['seconds']:.1f}s ratio {row['lazy_over_eager']} cpu eager "
                      f"{row['eager']['cpu_seconds']}s lazy {row['lazy']['driver_cpu_seconds']}+"
                      f"{row['lazy']['worker_cpu_seconds']}s "
                      f"{row['lazy_mchars_per_second']} Mchars/s workers {row['lazy']['worker_peak_rss_mib']} MiB "
                      f"driver {row['lazy']['driver_peak_rss_mib']} MiB same {row['same_results']} "
                      f"load {row['loadavg_before']} -> {row['loadavg_after']}", flush=True)
        results["sizes"][f"x{size}"] = {"characters": chars, "documents": size * len(docs),
                                        "files": size * args.files_per_copy, "rounds": rounds}
        if args.out:  # what is measured so far, in case a long size is interrupted
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sizes = sorted(results["sizes"].values(), key=lambda r: r["characters"])
    small, large = sizes[0], sizes[-1]

    def best(entry: dict, side: str) -> float:
        return min(r[side]["seconds"] for r in entry["rounds"])

    if large["characters"] > small["characters"]:
        # marginal rate between the smallest and the largest size (best round of each): fixed costs
        # (dictionary builds, task scheduling) cancel out and are reported as the intercept
        rate = (large["characters"] - small["characters"]) / max(1e-9, best(large, "lazy") - best(small, "lazy"))
        fixed = max(0.0, best(small, "lazy") - small["characters"] / rate)
        driver = [(s["characters"], max(r["lazy"]["driver_peak_rss_mib"] for r in s["rounds"])) for s in sizes]
        per_char = (driver[-1][1] - driver[0][1]) / (driver[-1][0] - driver[0][0])
        results["projection_1e9_chars"] = {
            "hours": round((fixed + 1e9 / rate) / 3600, 2),
            "marginal_mchars_per_second": round(rate / 1e6, 3),
            "fixed_seconds": round(fixed, 1),
            "worker_peak_rss_mib_by_size": [max(r["lazy"]["worker_peak_rss_mib"]) for s in sizes for r in s["rounds"]],
            "driver_peak_rss_gib_at_1e9": round((driver[0][1] + per_char * (1e9 - driver[0][0])) / 1024, 1),
            "driver_mib_per_mchar": round(per_char * 1e6, 1),
            "from": "lazy wall time and driver peak memory, linear between the smallest and largest size "
                    f"({args.workers} workers, this machine, the recorded load); worker memory is per partition",
        }
    results["uptime_at_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results.get("projection_1e9_chars"), indent=2))


if __name__ == "__main__":
    main()
