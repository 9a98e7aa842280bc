"""Benchmark: read_pdf on random newspaper pages typeset by independent producers.

Run from the repository root::

    nice -n 10 .venv/bin/python benchmarks/page_producers.py make --producer chromium --pages 300
    nice -n 10 .venv/bin/python benchmarks/page_producers.py read --producer chromium [--src /other/checkout/src]

``make`` typesets pages ``--start`` … ``--start + --pages - 1`` (each named by its seed,
tests/page_content.py) into ``--dir`` (default /tmp/consensus-nlp-pages/PRODUCER) with
tests/pdf_pages.py (reportlab), tests/pdf_html.py (headless Chromium) or
tests/pdf_typst.py (typst). ``read`` reads every PDF there with the reader found
first on ``--src`` (default: this checkout's src), so the same PDFs can be read
by another version of the reader, and prints a table per layout family: documents
exact (speaker or authors, position or credit, title, first and last 20 body
characters), documents expected, extra documents, pages refused. ``--json`` writes
the numbers to benchmarks/results/, with the reader's commit (``+changes`` when its src differs),
the date, the folder read and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def _maker(producer: str):
    if producer == "chromium":
        import pdf_html

        return pdf_html.make_pdf
    if producer == "typst":
        import pdf_typst

        return pdf_typst.make_pdf
    import pdf_pages

    return pdf_pages.make_page_pdf


def make(args) -> None:
    from page_content import random_page

    folder = Path(args.dir or f"/tmp/consensus-nlp-pages/{args.producer}")
    folder.mkdir(parents=True, exist_ok=True)
    maker = _maker(args.producer)
    start = time.perf_counter()
    for seed in range(args.start, args.start + args.pages):
        path = folder / f"page-{seed:05d}.pdf"
        if not path.exists():
            maker(path, random_page(seed))
    print(f"{args.pages} pages in {time.perf_counter() - start:.0f} s; load {os.getloadavg()}")


def family(page) -> str:
    """The layout family of a page, as the tables in docs/pages.md name it."""
    if page.family == "articles":
        return "articles" + (" + contents" if page.contents else "")
    heads = any(d.headings for d in page.documents)
    return f"speeches, byline {page.byline}" + (", 一、 headings" if heads else "")


def read(args) -> None:
    sys.path.insert(0, str(Path(args.src).resolve()) if args.src else str(REPO / "src"))
    from page_content import random_page, score

    import consensus_nlp as cn
    from consensus_nlp.errors import ConsensusNLPError

    folder = Path(args.dir or f"/tmp/consensus-nlp-pages/{args.producer}")
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # pages, exact, expected, extra, refused
    failures = []
    start = time.perf_counter()
    for path in sorted(folder.glob("page-*.pdf")):
        seed = int(path.stem.split("-")[1])
        page = random_page(seed)
        try:
            corpus = cn.read_pdf(path)
        except ConsensusNLPError:
            corpus = None
        exact, want, extra = score(page, corpus)
        for key in (family(page), f"{page.columns} columns", "all"):
            row = table[key]
            row[0] += 1
            row[1] += exact
            row[2] += want
            row[3] += extra
            row[4] += corpus is None
        if exact < want or extra:
            failures.append(seed)
    seconds = time.perf_counter() - start
    print(f"reader: {cn.__file__}; {seconds:.0f} s; load {os.getloadavg()}")
    print(f"| {args.producer} | pages | exact | documents | % | extra documents | pages refused |")
    print("|---|---|---|---|---|---|---|")
    for key in sorted(table, key=lambda k: (k == "all", k)):
        pages, exact, want, extra, refused = table[key]
        print(f"| {key} | {pages} | {exact} | {want} | {100 * exact / max(want, 1):.1f} | {extra} | {refused} |")
    print("pages with a miss:", failures[:40])
    if args.json:
        out = REPO / "benchmarks" / "results" / f"pages-{args.producer}{args.tag}.json"
        src = Path(cn.__file__).resolve().parent
        git = ["git", "-C", str(src)]
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
        changed = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True, text=True, check=False).stdout
        commit = (commit + ("+changes" if changed.strip() else "")) if commit else None  # of the reader's src only
        out.write_text(json.dumps({"producer": args.producer, "reader": cn.__file__, "reader_commit": commit,
                                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "folder": str(folder),
                                   "seconds": round(seconds), "load": os.getloadavg(), "table": table,
                                   "failures": failures}, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("make", "read"))
    parser.add_argument("--producer", choices=("reportlab", "chromium", "typst"), default="chromium")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--src", default=None, help="read with the reader of another checkout (its src folder)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tag", default="", help="suffix of the results file")
    args = parser.parse_args()
    (make if args.step == "make" else read)(args)


if __name__ == "__main__":
    main()
