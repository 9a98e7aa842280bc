"""Scaling benchmark: People's Daily 1998 replicated 1x, 4x, 16x through LazyCorpus on a LocalCluster.

The January 1998 People's Daily paragraphs (``benchmarks/_pku.py``; cached in
``~/.cache/consensus-nlp``) are joined into documents of ``--paragraphs-per-doc``
paragraphs, written as Parquet files of ``--docs-per-file`` documents (one
partition each) and replicated with distinct doc ids. For each size, on a fresh
``distributed.LocalCluster`` (``--workers`` processes, one thread each):

    tokens = cn.tokenize(lazy)                 # by partition, on the workers
    cn.dtm(tokens, min_docs=2)                 # vocabulary + sparse counts reduced on the driver
    cn.emphasis(tokens, by="group")            # per-document theme counts gathered, grouped on the driver
    cn.tag(lazy).groupby("kind").size()        # devices counted on the workers

Each stage is timed alone (tokens are not persisted, so dtm and emphasis each
segment again: memory stays per partition). Recorded: wall time per stage, the
peak resident memory of every worker process (``ru_maxrss``, fresh processes
per size), the driver's resident memory and the size of the reduced results,
``/proc/loadavg`` before and after, and a projection to 1e9 characters.

Usage::

    python benchmarks/dask_scaling.py --out benchmarks/results/dask_scaling.json [--sizes 1,4,16] [--base-paragraphs N]

It is a script, not a test: run it alone, on a machine as quiet as you can get.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pku import read_pku  # noqa: E402


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def write_replicas(folder: Path, docs: list[str], replicas: int, per_file: int) -> int:
    import pandas as pd

    chars = 0
    for r in range(replicas):
        for f in range(0, len(docs), per_file):
            chunk = docs[f:f + per_file]
            pd.DataFrame({
                "doc_id": [f"r{r:02d}-d{f + i:05d}" for i in range(len(chunk))],
                "text": chunk,
                "group": [f"g{(f + i) % 8}" for i in range(len(chunk))],
            }).to_parquet(folder / f"part-{r:02d}-{f // per_file:04d}.parquet", index=False)
            chars += sum(map(len, chunk))
    return chars


def run_size(folder: Path, workers: int) -> dict:
    from distributed import Client, LocalCluster

    import consensus_nlp as cn

    out: dict = {"loadavg_before": loadavg()}
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="4GiB") as cluster, Client(cluster) as client:
        lazy = cn.LazyCorpus.from_parquet(folder)
        out["npartitions"] = lazy.npartitions
        tokens = cn.tokenize(lazy)
        t = time.perf_counter()
        matrix = cn.dtm(tokens, min_docs=2)
        out["seconds_tokenize_dtm"] = time.perf_counter() - t
        t = time.perf_counter()
        table = cn.emphasis(tokens, by="group")
        out["seconds_tokenize_emphasis"] = time.perf_counter() - t
        t = time.perf_counter()
        kinds = cn.tag(lazy).groupby("kind").size().compute()
        out["seconds_tag"] = time.perf_counter() - t
        out["worker_peak_rss_mib"] = sorted(round(v / 1024, 1) for v in client.run(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
        out["worker_loads"] = list(client.run(lambda: __import__(
            "consensus_nlp.integrations.dask_workers", fromlist=["worker_loads"]).worker_loads()).values())
    out["dtm_shape"] = list(matrix.shape)
    out["dtm_mib"] = round((matrix.counts.data.nbytes + matrix.counts.indices.nbytes
                            + matrix.counts.indptr.nbytes) / 2**20, 1)
    out["emphasis_shape"] = list(table.rates.shape)
    out["devices_by_kind"] = {str(k): int(v) for k, v in kinds.items()}
    gc.collect()
    out["driver_rss_mib"] = round(rss_mib(), 1)  # the driver process, holding the DTM and the tables
    del matrix, table
    gc.collect()
    out["driver_rss_mib_after"] = round(rss_mib(), 1)  # once they are dropped
    out["seconds_total"] = out["seconds_tokenize_dtm"] + out["seconds_tokenize_emphasis"] + out["seconds_tag"]
    out["loadavg_after"] = loadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sizes", default="1,4,16")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--base-paragraphs", type=int, default=None, help="use only the first N paragraphs as 1x")
    parser.add_argument("--paragraphs-per-doc", type=int, default=20)
    parser.add_argument("--docs-per-file", type=int, default=100)
    args = parser.parse_args()

    paragraphs = ["".join(w for w, _ in para) for para in read_pku()][: args.base_paragraphs]
    docs = ["\n".join(paragraphs[i:i + args.paragraphs_per_doc]) for i in range(0, len(paragraphs), args.paragraphs_per_doc)]
    results = {
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "note": "2 cores shared with 7 other developers; see loadavg per size"},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "parameters": vars(args) | {"out": str(args.out)},
        "base": {"paragraphs": len(paragraphs), "documents": len(docs), "characters": sum(map(len, docs))},
        "sizes": {},
    }
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            chars = write_replicas(Path(tmp), docs, size, args.docs_per_file)
            row = run_size(Path(tmp), args.workers)
        row["characters"] = chars
        row["documents"] = size * len(docs)
        row["mchars_per_second"] = round(chars / 1e6 / row["seconds_total"], 3)
        results["sizes"][f"{size}x"] = row
        print(f"{size}x: {chars / 1e6:.1f}M chars {row['seconds_total']:.1f}s workers {row['worker_peak_rss_mib']} MiB "
              f"driver {row['driver_rss_mib']} MiB load {row['loadavg_before']} -> {row['loadavg_after']}", flush=True)
    rows = sorted(results["sizes"].values(), key=lambda r: r["characters"])
    small, large = rows[0], rows[-1]
    # marginal rate between the smallest and the largest size: the fixed costs (worker start, imports,
    # one dictionary build per worker and stage) cancel out; they are reported as the intercept
    rate = (large["characters"] - small["characters"]) / max(1e-9, large["seconds_total"] - small["seconds_total"])
    fixed = max(0.0, small["seconds_total"] - small["characters"] / rate)
    results["projection_1e9_chars"] = {
        "hours": round((fixed + 1e9 / rate) / 3600, 2),
        "marginal_mchars_per_second": round(rate / 1e6, 3),
        "fixed_seconds": round(fixed, 1),
        "from": "marginal rate between the smallest and largest size, all four stages (tokenization done twice), "
                f"{args.workers} workers on this machine at the recorded load",
        "worker_peak_rss_mib_at_largest": max(large["worker_peak_rss_mib"]),
        "dtm_mib_at_largest": large["dtm_mib"],
    }
    results["driver_peak_rss_mib"] = round(peak_rss_mib(), 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results["projection_1e9_chars"], indent=2))


if __name__ == "__main__":
    main()
