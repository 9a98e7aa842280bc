"""The ``consensus-nlp`` command line.

Subcommands:

- ``analyze [CORPUS_NAME | PATH…]``: the whole analysis, written to ``--out`` all or
  nothing (report.html, tables as CSV, figures as PNG, manifest.json); inputs by
  extension (.txt page, folder, .csv, .tsv, .jsonl, .parquet) with ``--text-column``,
  ``--id-column`` and ``--meta-columns`` for tables.
- ``segment``, ``outline``, ``tag``: one stage on a file or standard input,
  as ``--format text|json|csv``.
- ``corpora``: the bundled corpora.

Exit status: 0 success; 2 a usage mistake (bad option value, unknown corpus or
engine name, missing file, a folder or glob naming no file, an option whose optional
package is not installed); 1 a problem with the data (undecodable bytes, no
text, no speech found, too little data for the model); 130 interrupted. Mistakes print
one line on stderr, with the library's argument names shown as the options that set
them (:func:`for_command_line`); ``--debug`` shows the traceback instead. The library's
warnings are shown on stderr, one line each; the log lines of the segmentation engines
(jieba's "Building prefix dict…") are not.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .version import __version__
from .devices.base import KINDS
from .errors import ConsensusNLPError, InvalidArgumentError, MissingDependencyError, UnknownNameError

__all__ = ["main"]

PROG = "consensus-nlp"
_USAGE_ERRORS = (UnknownNameError, InvalidArgumentError, FileNotFoundError, IsADirectoryError, MissingDependencyError)
#: loggers of the engines consensus-nlp runs, whose own progress lines the command line hides
ENGINE_LOGGERS = ("jieba",)
#: the library's argument names and the options (or operand) that set them on the command line
OPTIONS = {
    "units": "--units", "k": "--k", "engine": "--engine", "random_state": "--seed", "themes": "--themes", "by": "--by",
    "meta_pattern": "--meta-pattern", "text_column": "--text-column", "id_column": "--id-column",
    "meta_columns": "--meta-columns", "out_dir": "--out", "inputs": "input", "input": "input", "source": "input",
    "path": "input", "backend": "--backend", "lexicon": "--lexicon", "kinds": "--kinds", "scheduler": "--scheduler",
    "workers": "--workers", "paths_or_glob": "input",
}
_NAMES = "|".join(sorted(map(re.escape, OPTIONS), key=len, reverse=True))
_ARGUMENT = re.compile(r"(?<![\w.\[])(" + _NAMES + r")=(?=\S)")
_LEAVE_NONE = re.compile(r"\b([Ll]eave) (" + _NAMES + r")=None\b")


def for_command_line(message: str) -> str:
    """A library message phrased for the command line: ``text_column='body'`` becomes ``--text-column 'body'``,
    and "Leave ``kinds=None``" becomes "Leave out --kinds".

    Examples:
        >>> for_command_line("units='speech' gives 1 unit; use smaller units (units='outline_item').")
        "--units 'speech' gives 1 unit; use smaller units (--units 'outline_item')."
        >>> for_command_line("Leave kinds=None for all of them.")
        'Leave out --kinds for all of them.'
    """
    message = _LEAVE_NONE.sub(lambda m: f"{m.group(1)} out {OPTIONS[m.group(2)]}", message)
    return _ARGUMENT.sub(lambda m: OPTIONS[m.group(1)] + " ", message)


class _CommandLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return for_command_line(super().format(record))


class _WarningHandler(logging.StreamHandler):
    """Warnings on stderr, each on its own line even while a progress bar is drawn (tqdm.write lifts the bar)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record), file=self.stream)
        except Exception:  # pragma: no cover - logging's own policy
            self.handleError(record)


def _warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


class _Parser(argparse.ArgumentParser):
    """argparse with usage mistakes reported on one line (status 2), pointing to --help."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _int_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be {minimum} or more")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


def _kind_list(text: str) -> tuple[str, ...]:
    """An argparse type: comma-separated device kinds, each a registered detector (:func:`~consensus_nlp.list_detectors`:
    the package's seven and those of other packages)."""
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    if all(kind in KINDS for kind in kinds or (text,)):
        return kinds
    from .devices.tagger import list_detectors  # the registry: only when a kind is not one of the seven

    accepted = list_detectors()
    for kind in kinds or (text,):
        if kind not in accepted:
            hint = f"; did you mean {kind[:-1]!r}?" if kind[:-1] in accepted else ""
            raise argparse.ArgumentTypeError(f"{kind!r} is not a kind of device{hint} (accepted, comma-separated: "
                                             f"{', '.join(accepted)}; leave out --kinds for all of them)")
    return kinds


def _column_list(text: str) -> tuple[str, ...]:
    """An argparse type: comma-separated column names."""
    names = tuple(n.strip() for n in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of column names")
    return names


def _engine_help() -> str:
    """The help of ``--engine``: the names of the engine registry (the package's and other packages' entry points),
    read when the parser is built (the registry module imports no engine; about 10 ms, once per command)."""
    from .registry import engines

    return f"topic model engine: {', '.join(engines.names())} (default: %(default)s)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Chinese political discourse as data: read pages, segment, tag framing devices, model topics and emphasis.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    an = sub.add_parser("analyze", help="run the whole analysis and write a report")
    an.add_argument(
        "inputs",
        nargs="*",
        metavar="CORPUS_NAME|PATH",
        help="a bundled corpus name, a newspaper page (.txt or .pdf), a folder of .txt files, several .txt files, or a table "
        "of documents: .csv, .tsv, .jsonl or .parquet (default: the bundled gansu-cppcc-2021)",
    )
    an.add_argument("--out", default="consensus-nlp-report", help="output folder (default: %(default)s)")
    an.add_argument("--units", choices=("speech", "paragraph", "outline_item"), default="outline_item",
                    help="unit of analysis for topic models (default: %(default)s)")
    an.add_argument("--k", type=_int_at_least(2), default=None, help="number of topics (default: chosen from the data size)")
    an.add_argument("--engine", default="tomotopy", help=_engine_help())
    an.add_argument("--seed", type=_int_at_least(0), default=0, help="random seed (default: %(default)s)")
    an.add_argument("--themes", default="cppcc", help="theme set name or a YAML/TOML file (default: %(default)s)")
    an.add_argument("--by", default=None, help="metadata field to compare groups by (default: organization, else speaker, else doc_id)")
    an.add_argument("--meta-pattern", default=None,
                    help=r"regex with named groups for metadata in file names, e.g. '(?P<year>\d{4})'")
    an.add_argument("--text-column", default=None, help="text column of a table input (default: text)")
    an.add_argument("--id-column", default=None,
                    help="document id column of a table input (default: doc_id, else id, else rows are numbered doc-0, doc-1, …)")
    an.add_argument("--meta-columns", default=None, type=_column_list,
                    help="comma-separated metadata columns of a table input (default: every other column)")
    an.add_argument("--progress", dest="progress", action="store_true", default=None, help="show a progress display")
    an.add_argument("--no-progress", dest="progress", action="store_false", help="hide the progress display")
    an.add_argument("--scheduler", default=None, help="segment and tag by partitions with Dask: threads, processes, sync or tcp://host:port (a running scheduler); same results")
    an.add_argument("--workers", type=_int_at_least(1), default=None, help="threads or processes of --scheduler (default: the number of cores); alone, that many processes")

    for name, helptext in (
        ("segment", "segment text into words (with character offsets)"),
        ("outline", "list the speech outline (一是…二是…, 一、二、 …)"),
        ("tag", f"tag framing devices ({', '.join(KINDS)})"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file", nargs="?", default="-", help="a text file (UTF-8, UTF-8 with BOM or GB18030); '-' or nothing: standard input")
        p.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format (default: %(default)s)")
        if name == "segment":
            p.add_argument("--backend", default="auto", help="jieba, rjieba or auto (default: %(default)s)")
            p.add_argument("--lexicon", default="political", help="lexicon name or path (default: %(default)s)")
        if name == "tag":
            p.add_argument("--kinds", default=None, type=_kind_list, metavar="KIND[,KIND…]",
                           help=f"device kinds to tag, comma-separated: {', '.join(KINDS)}, or a kind another package "
                           "registered (default: all)")

    sub.add_parser("corpora", help="list the bundled corpora")
    return parser


def _read_input_text(file: str) -> str:
    from .io.encoding import decode, read_text

    if file == "-":
        data = sys.stdin.buffer.read()
        text, _ = decode(data, source="<stdin>")
        return text
    text, _ = read_text(file, allow_empty=True)
    return text


def _emit(rows: list[dict], fmt: str, text_lines: list[str], out) -> None:
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v for k, v in row.items()})
        out.write(buffer.getvalue())
    else:
        out.write("\n".join(text_lines) + ("\n" if text_lines else ""))


def _cmd_segment(args, out) -> int:
    from .text.segmentation import Segmenter

    text = _read_input_text(args.file)
    seg = Segmenter(backend=args.backend, lexicon=args.lexicon)
    tokens = seg.tokenize(text)
    rows = [{"token": t.text, "start": t.start, "end": t.end} for t in tokens]
    _emit(rows, args.format, _words_per_line(text, tokens), out)
    return 0


def _words_per_line(text: str, tokens) -> list[str]:
    """One line of space-separated words per input line (tokens are in text order: one pass over both)."""
    lines = []
    i, pos = 0, 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line)
        words = []
        while i < len(tokens) and tokens[i].start < end:
            if tokens[i].start >= pos and not tokens[i].text.isspace():
                words.append(tokens[i].text)
            i += 1
        lines.append(" ".join(words))
        pos = end
    return lines


def _cmd_outline(args, out) -> int:
    from .devices import outline

    text = _read_input_text(args.file)
    items = outline(text)
    rows = [
        {"level": i.level, "marker": i.marker, "ordinal": i.ordinal, "headline": i.headline, "start": i.start, "end": i.end}
        for i in items
    ]
    lines = [f"{'  ' * (i.level - 1)}{i.marker} {i.headline}" for i in items]
    _emit(rows, args.format, lines, out)
    return 0


def _cmd_tag(args, out) -> int:
    from .devices import tag_text

    text = _read_input_text(args.file)
    devices = tag_text(text, kinds=args.kinds)
    rows = [
        {"kind": d.kind, "label": d.label, "start": d.start, "end": d.end, "text": d.text, "attrs": dict(d.attrs)}
        for d in devices
    ]
    lines = [f"{d.start}\t{d.end}\t{d.kind}\t{one_line(d.label)}\t{one_line(d.text)}" for d in devices]
    _emit(rows, args.format, lines, out)
    return 0


#: what ``str.splitlines`` breaks a line at, and the tab that separates fields, as escapes
_LINE_ESCAPES = {ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r", **{
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}}


def one_line(text: str) -> str:
    """``text`` on one line of a tab-separated listing: backslash, tab and line breaks written as escapes.

    Examples:
        >>> print(one_line("一是\\n二是\\t三是\\\\"))
        一是\\n二是\\t三是\\\\
    """
    return text.translate(_LINE_ESCAPES)


def _cmd_corpora(args, out) -> int:
    from .io.datasets import list_corpora

    for name in list_corpora():
        out.write(name + "\n")
    return 0


def _cmd_analyze(args, out) -> int:
    from .io.page.kinds import reading_summary
    from .report import AnalysisConfig, analyze

    command = [PROG, *sys.argv[1:]] if sys.argv and Path(sys.argv[0]).name.startswith(PROG) else None
    result = analyze(args.inputs, config=AnalysisConfig.from_cli(args, command=command))
    read = reading_summary(dict(result.corpus.meta), len(result.corpus))
    out.write((f"read {read}\n" if read else "") + result.summary() + "\n")
    out.write(f"report written to {result.out_dir / 'report.html'}\n")
    return 0


_COMMANDS = {
    "analyze": _cmd_analyze,
    "segment": _cmd_segment,
    "outline": _cmd_outline,
    "tag": _cmd_tag,
    "corpora": _cmd_corpora,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors, with argparse's message
    # the library only logs; the command line shows its warnings (skipped documents…) on stderr, one line each
    handler = _WarningHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_CommandLineFormatter(f"{PROG}: warning: %(message)s"))
    package_logger = logging.getLogger("consensus_nlp")
    package_logger.addHandler(handler)
    engines = [logging.getLogger(name) for name in ENGINE_LOGGERS]
    for engine in engines:  # filters of this call only (removed below): a library user's logging stays as it was
        engine.addFilter(_warnings_only)
    try:
        return _COMMANDS[args.command](args, sys.stdout)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (ConsensusNLPError, OSError, UnicodeError) as exc:
        if args.debug:
            raise
        status = 2 if isinstance(exc, _USAGE_ERRORS) else 1
        message = str(exc) if not isinstance(exc, OSError) or not exc.filename else f"{exc.strerror}: {exc.filename}"
        if isinstance(exc, ConsensusNLPError):
            message = for_command_line(message)
        hint = f" (see '{PROG} {args.command} --help')" if status == 2 else ""
        print(f"{PROG}: error: {message}{hint}", file=sys.stderr)
        return status
    finally:
        package_logger.removeHandler(handler)
        for engine in engines:
            engine.removeFilter(_warnings_only)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
