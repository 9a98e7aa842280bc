"""The two implementations of jieba behind :class:`~consensus_nlp.text.segmentation.Segmenter`.

* :class:`JiebaEngine`: a private ``jieba.Tokenizer()`` instance; the lexicon is
  loaded with ``load_userdict`` on that instance. jieba's module-level tokenizer
  (``jieba.dt``, used by ``jieba.lcut``) is never touched.
* :class:`RjiebaEngine`: a private ``rjieba.Jieba()`` instance (the Rust jieba-rs
  port); the lexicon is added word by word with ``add_word``.

Also here: finding and reading lexicons (jieba user-dict files).
"""

from __future__ import annotations

import bisect
import hashlib
import io
import os
import re
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

from .. import registry
from ..errors import InputTypeError, InvalidArgumentError, check_path, describe

__all__ = ["LEXICONS", "NO_LEXICON", "has_rjieba", "resolve_lexicon", "read_lexicon", "check_word", "cache_dir", "JiebaEngine",
           "RjiebaEngine"]

LEXICONS = ("political", "none")  # the package's own (registry.toml); registry.lexicons also has other packages'
NO_LEXICON = None  # what the registry's "none" lexicon loads: no user-dict file, jieba's dictionary alone
# jieba-rs's HMM step splits non-Han runs with `[a-zA-Z0-9]+(?:.\d+)?%?` (an unescaped
# dot), jieba with `[a-zA-Z0-9]+(?:\.\d+)?%?`: "2011-2020" is one token in jieba-rs only.
RS_DOT_BUG = re.compile(r"[a-zA-Z0-9][+#&_%\-]\d")
_JIEBA_PIECE = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|[^a-zA-Z0-9]+")
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FREQ = re.compile(r"[0-9]+")
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def has_rjieba() -> bool:
    import importlib.util

    return importlib.util.find_spec("rjieba") is not None


def check_word(argument: str, word: object) -> str:
    """``word`` if it can be a dictionary entry: a non-empty str without spaces or lone surrogates."""
    if not isinstance(word, str):
        raise InputTypeError(describe(argument, word, "holds a non-str item", accepted="a list of str"))
    if not word or any(ch.isspace() for ch in word):
        raise InvalidArgumentError(describe(argument, word, "is not a word", accepted="non-empty str without spaces"))
    if _SURROGATE.search(word):
        raise InvalidArgumentError(describe(argument, word, "holds a lone surrogate code point (broken UTF-16)",
                                            accepted="words of valid Unicode characters",
                                            todo="Repair the text it came from, e.g. decode it with errors='replace'."))
    return word


def resolve_lexicon(lexicon: str | os.PathLike[str] | None) -> tuple[str, Path | None]:
    """``(name, path)`` of a lexicon given by a registered name (``"political"``, ``"none"``) or a path."""
    if lexicon is not None and (not isinstance(lexicon, (str, os.PathLike)) or isinstance(lexicon, bytes)):
        raise InputTypeError(describe("lexicon", lexicon, "is not a name or a path",
                                      accepted=[*registry.lexicons.names(), "a path"]))
    if lexicon is None:
        return "none", None
    if isinstance(lexicon, str) and lexicon in registry.lexicons:
        entry = registry.lexicons.get(lexicon)
        path = entry.load()
        return entry.name, None if path is None else Path(path)
    if isinstance(lexicon, (str, os.PathLike)):
        path = Path(check_path("lexicon", lexicon))
        try:
            if path.is_file():
                return str(path), path
        except OSError:  # a name the file system refuses (too long)
            pass
        if isinstance(lexicon, str) and os.sep not in lexicon and "." not in lexicon:
            registry.lexicons.get(lexicon)  # raises UnknownNameError listing the registered names
        raise InvalidArgumentError(describe("lexicon", str(lexicon), "is not a file", accepted="a jieba user-dict file"))
    raise InputTypeError(describe("lexicon", lexicon, "is not a name or a path",
                                  accepted=[*registry.lexicons.names(), "a path"]))


def read_lexicon(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries ``(word, freq, tag)`` of a UTF-8 jieba user-dict file; ``#`` lines and blank lines skipped.

    A line is ``word [freq] [tag]`` with ``freq`` ASCII digits (> 0) and ``tag`` ASCII
    letters/digits starting with a letter; anything else raises :class:`InvalidArgumentError`.
    """
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidArgumentError(describe("lexicon", str(path), f"is not UTF-8 (byte {exc.start} cannot be decoded)",
                                            accepted="a UTF-8 jieba user-dict file",
                                            todo="Re-save the file as UTF-8.")) from None
    entries = []
    for lineno, raw in enumerate(content.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, *rest = line.split()
        freq = int(rest[0]) if rest and _FREQ.fullmatch(rest[0]) else None
        tag = rest[-1] if rest and _TAG.fullmatch(rest[-1]) else None
        if len(rest) > 2 or len(rest) != (freq is not None) + (tag is not None) or freq == 0 or _SURROGATE.search(word):
            raise InvalidArgumentError(describe(f"lexicon line {lineno}", raw, "is not 'word [freq] [tag]' with freq > 0",
                                                accepted="'凝聚共识 10 nz'", todo=f"Fix {path}."))
        entries.append((word, freq, tag))
    return entries


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/consensus-nlp`` (or ``~/.cache/consensus-nlp``), created if needed."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "consensus-nlp"
    path.mkdir(parents=True, exist_ok=True)
    return path


class JiebaEngine:
    """A private ``jieba.Tokenizer`` with the entries loaded by ``load_userdict``."""

    def __init__(self, entries: Sequence[tuple[str, int | None, str | None]]) -> None:
        import jieba

        tk = jieba.Tokenizer()
        dict_path = tk.get_dict_file()
        try:
            digest = hashlib.sha256(dict_path.read()).hexdigest()[:16]
        finally:
            dict_path.close()
        tk.tmp_dir = str(cache_dir())
        tk.cache_file = f"jieba-{jieba.__version__}-{digest}.u{os.getuid() if hasattr(os, 'getuid') else 0}.cache"
        tk.initialize()
        old = sum(tk.FREQ.get(w, 0) for w, f, _ in entries if f is not None)
        lines = "\n".join(" ".join(str(x) for x in e if x is not None) for e in entries)
        tk.load_userdict(io.StringIO(lines))
        # jieba adds a re-defined word's new frequency to the total without taking the
        # old one out; jieba-rs replaces it. Match jieba-rs (and the meaning of "total").
        tk.total -= old
        self.tk = tk
        self._tagger: Any = None

    def cut(self, text: str, hmm: bool) -> list[str]:
        return self.tk.lcut(text, HMM=hmm)

    def tagger(self) -> Any:
        if self._tagger is None:
            import jieba.posseg

            pt = jieba.posseg.POSTokenizer(self.tk)
            pt.makesure_userdict_loaded()
            table = pt.word_tag_tab
            cache: dict[tuple[str, bool], str] = {}

            def tag(word: str, hmm: bool) -> str:
                found = table.get(word)
                if found is not None:
                    return found
                key = (word, hmm)
                if key not in cache:
                    pairs = pt.lcut(word, HMM=hmm)
                    flags = {p.flag for p in pairs}
                    cache[key] = flags.pop() if len(flags) == 1 else "x"
                return cache[key]

            self._tagger = tag
        return self._tagger


class RjiebaEngine:
    """A private ``rjieba.Jieba`` with the entries added by ``add_word``."""

    def __init__(self, entries: Sequence[tuple[str, int | None, str | None]]) -> None:
        import rjieba

        self.jb = rjieba.Jieba()
        for word, freq, tag in entries:
            self.jb.add_word(word, freq, tag)

    def cut(self, text: str, hmm: bool) -> list[str]:
        words = self.jb.cut(text, hmm)
        if hmm and RS_DOT_BUG.search(text):
            words = fix_rs_dot(words, self.jb) if "\n" not in text else _fix_rs_dot_lines(text, words, self.jb)
        return words


def _fix_rs_dot_lines(text: str, words: list[str], jb: Any) -> list[str]:
    """:func:`fix_rs_dot` on the words of each line of ``text`` that ``RS_DOT_BUG`` matches.

    Line by line, so that cutting texts joined by line breaks gives the words of
    cutting each text by itself (a line break is always a word of its own).
    """
    ends = list(accumulate(map(len, words)))
    out: list[str] = []
    done = 0  # words already copied to out
    line_end = -1
    for m in RS_DOT_BUG.finditer(text):
        if m.start() < line_end:
            continue  # this line is fixed already
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        first, last = bisect.bisect_right(ends, line_start), bisect.bisect_right(ends, line_end)
        out += words[done:first]
        out += fix_rs_dot(words[first:last], jb)
        done = last
    out += words[done:]
    return out


def fix_rs_dot(words: list[str], jb: Any) -> list[str]:
    """Re-split non-Han HMM pieces the way jieba does (see ``RS_DOT_BUG``)."""
    out: list[str] = []
    for w in words:
        if len(w) > 1 and w.isascii() and not _JIEBA_PIECE.fullmatch(w) and not jb.has_word(w):
            out.extend(p for p in _JIEBA_SKIP.split(w) if p)
        else:
            out.append(w)
    return out
