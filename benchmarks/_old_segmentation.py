# A frozen copy of text/segmentation.py at commit 0feefd4 (0.1.0, reorganized): the baseline that
# benchmarks/segmentation.py compares the columnar fast path with (speed, identical tokens).
# Not part of the package; only its imports were rewritten to absolute ones.
# ruff: noqa
"""Word segmentation: :class:`Segmenter` (owns its tokenizer) and :func:`tokenize`.

A :class:`Segmenter` wraps one of two implementations of the same algorithm
(jieba's prefix dictionary + DAG + HMM for unknown words) over the same
dictionary (jieba's ``dict.txt`` plus the political lexicon):

* ``"jieba"``: a private ``jieba.Tokenizer()`` instance; the lexicon is loaded
  with ``load_userdict`` on that instance. jieba's module-level tokenizer
  (``jieba.dt``, used by ``jieba.lcut``) is never touched.
* ``"rjieba"``: a private ``rjieba.Jieba()`` instance (the Rust jieba-rs
  port); the lexicon is added word by word with ``add_word``. About 20 times
  faster than jieba on this machine (``benchmarks/segmentation.py``).

``backend="auto"`` takes rjieba when it is installed. With the same lexicon
both give the same tokens on the seed page and the 49 government work reports
(tested). Dictionaries are built on first use and cached per process.

Text is normalized first (:func:`consensus_nlp.normalize`): ``Token.text`` is
the normalized form (``２０２１`` -> ``2021``) while ``Token.start``/``Token.end``
point into the text as given, so ``text[t.start:t.end]`` differs from
``t.text`` only where normalization changed characters. Whitespace is never a
token. Long texts are segmented line by line (and, within very long lines, at
sentence ends), so memory stays proportional to the output.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from consensus_nlp._zh import CLOSERS, SENTENCE_END
from consensus_nlp.corpus import Corpus, Document
from consensus_nlp.errors import InputTypeError, InvalidArgumentError, MissingDependencyError, UnknownNameError, describe
from consensus_nlp.text.normalization import normalize, normalize_str
from consensus_nlp.text.tokens import Token, Tokens

__all__ = ["Segmenter", "tokenize", "list_lexicons"]

log = logging.getLogger(__name__)

_BACKENDS = ("auto", "jieba", "rjieba")
_LEXICONS = ("political", "none")
_MAX_CHUNK_CHARS = 2000  # longer lines are cut at sentence ends (or hard) for bounded memory
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_END)}]+[{re.escape(CLOSERS)}]*")
_SOFT_BREAK = re.compile(r"[，、,：:\s]+")  # where a long run without sentence ends is cut next
# jieba-rs's HMM step splits non-Han runs with `[a-zA-Z0-9]+(?:.\d+)?%?` (an unescaped
# dot), jieba with `[a-zA-Z0-9]+(?:\.\d+)?%?`: "2011-2020" is one token in jieba-rs only.
_RS_DOT_BUG = re.compile(r"[a-zA-Z0-9][+#&_%\-]\d")
_SPACE = re.compile(r"\s")
_JIEBA_PIECE = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|[^a-zA-Z0-9]+")
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_NUMBER = re.compile(r"[+\-]?(?:\d+(?:[.,:/]\d+)*%?|\d*\.\d+%?)")

_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()


def list_lexicons() -> list[str]:
    """Names accepted by ``Segmenter(lexicon=...)`` besides a path to a jieba user-dict file."""
    return list(_LEXICONS)


class Segmenter:
    """Chinese word segmenter with its own tokenizer instance and the political lexicon.

    Examples:
        >>> seg = Segmenter(backend="jieba")
        >>> seg.cut("持续做优“委员讲堂”，凝聚共识")
        ['持续', '做优', '“', '委员讲堂', '”', '，', '凝聚共识']

    Args:
        backend: ``"rjieba"``, ``"jieba"`` or ``"auto"`` (rjieba when installed).
        lexicon: ``"political"`` (ships with the package), ``"none"``, or the
            path of a jieba user-dict file (``word freq tag`` lines, ``#`` comments).
        user_words: extra words, each kept whole (jieba chooses the frequency).
        hmm: let jieba's HMM join unknown character sequences into words.
        traditional: convert traditional to simplified characters first (needs OpenCC).

    Raises:
        UnknownNameError: unknown backend or lexicon name.
        MissingDependencyError: rjieba asked for but not installed. InvalidArgumentError: a missing lexicon file.
        InputTypeError: ``user_words`` is a bare str or holds non-str items.
    """

    def __init__(
        self,
        *,
        backend: str = "auto",
        lexicon: str | os.PathLike[str] | None = "political",
        user_words: Iterable[str] = (),
        hmm: bool = True,
        traditional: bool = False,
    ) -> None:
        if backend not in _BACKENDS:
            raise UnknownNameError(describe("backend", backend, "is not a known backend", accepted=_BACKENDS))
        if backend == "auto":
            backend = "rjieba" if _has_rjieba() else "jieba"
        elif backend == "rjieba" and not _has_rjieba():
            raise MissingDependencyError(describe("backend", backend, "needs the package 'rjieba', which is not installed",
                                                accepted="'jieba' or 'auto'", todo="pip install rjieba"))
        if isinstance(user_words, (str, bytes)):
            raise InputTypeError(describe("user_words", user_words, "is a single string", accepted="a list of words",
                                          todo="Wrap it in a list: user_words=['凝聚共识']."))
        words = tuple(user_words)
        for w in words:
            if not isinstance(w, str):
                raise InputTypeError(describe("user_words", w, "holds a non-str item", accepted="a list of str"))
            if not w or any(ch.isspace() for ch in w):
                raise InvalidArgumentError(describe("user_words", w, "is not a word", accepted="non-empty str without spaces"))
        self.backend: str = backend
        self.lexicon_name, self._lexicon_path = _resolve_lexicon(lexicon)
        self.user_words: tuple[str, ...] = words
        self.hmm: bool = bool(hmm)
        self.traditional: bool = bool(traditional)
        data = self._lexicon_path.read_bytes() if self._lexicon_path else b""
        self.lexicon_sha256: str | None = hashlib.sha256(data).hexdigest() if self._lexicon_path else None

    # -- pickling: parameters only; the dictionary is rebuilt (once) per process
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_engine_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return (f"Segmenter(backend={self.backend!r}, lexicon={self.lexicon_name!r}, "
                f"user_words={len(self.user_words)}, hmm={self.hmm})")

    @property
    def params(self) -> dict[str, Any]:
        """How this segmenter cuts, for the record (copied into :attr:`Tokens.params`)."""
        return {
            "backend": self.backend,
            "lexicon": self.lexicon_name,
            "lexicon_sha256": self.lexicon_sha256,
            "user_words": list(self.user_words),
            "hmm": self.hmm,
            "normalize": {"width": True, "nfkc": True, "traditional": self.traditional},
        }

    def _key(self) -> tuple[Any, ...]:
        return (self.lexicon_sha256, str(self._lexicon_path), self.user_words)

    def _engine(self, backend: str | None = None) -> Any:
        backend = backend or self.backend
        attr = f"_engine_{backend}"
        engine = self.__dict__.get(attr)
        if engine is None:
            engine = self.__dict__[attr] = self._shared_engine(backend)
        return engine

    def _shared_engine(self, backend: str) -> Any:
        key = (backend, *self._key())
        engine = _cache.get(key)
        if engine is None:
            with _cache_lock:
                engine = _cache.get(key)
                if engine is None:
                    entries = _read_lexicon(self._lexicon_path) if self._lexicon_path else []
                    entries += [(w, None, None) for w in self.user_words]
                    engine = _JiebaEngine(entries) if backend == "jieba" else _RjiebaEngine(entries)
                    _cache[key] = engine
        return engine

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` into words (normalized forms, whitespace dropped).

        The fast path: no offsets are computed. Where NFKC expands one character
        into several (``㈠`` -> ``(一)``) the words are the pieces of the expansion;
        :meth:`tokenize` merges them back into one token over the source character.

        Args:
            text: the text.

        Returns:
            The words, in order.
        """
        if type(text) is not str:
            _check_text(text)
        norm = normalize_str(text, traditional=self.traditional)
        engine, hmm = self._engine(), self.hmm
        if len(norm) <= _MAX_CHUNK_CHARS and "\n" not in norm:
            pieces: Iterable[tuple[int, str]] = ((0, norm),)
        else:
            pieces = _chunks(norm, lambda piece: engine.cut(piece, hmm))
        out: list[str] = []
        for _, piece in pieces:
            words = engine.cut(piece, hmm)
            if _SPACE.search(piece):
                words = [w for w in words if not w.isspace()]
            if out:
                out.extend(words)
            else:
                out = words
        return out

    def tokenize(self, text: str, *, pos: bool = False) -> list[Token]:
        """Segment ``text`` into :class:`Token` with offsets into ``text``.

        Args:
            text: the text.
            pos: also tag parts of speech (jieba's tag set, from a
                ``jieba.posseg.POSTokenizer`` on a private tokenizer).

        Returns:
            Tokens in order, non-overlapping, whitespace dropped.
        """
        return list(self.iter_tokens(text, pos=pos))

    def iter_tokens(self, text: str, *, pos: bool = False) -> Iterator[Token]:
        """Like :meth:`tokenize` but one token at a time (bounded memory on long texts)."""
        _check_text(text)
        norm = normalize(text, traditional=self.traditional)
        engine, hmm = self._engine(), self.hmm
        tagger = self._engine("jieba").tagger() if pos else None
        same = norm.same_length
        prev: Token | None = None
        for offset, piece in _chunks(norm.text, lambda piece: engine.cut(piece, hmm)):
            at = offset
            for word in engine.cut(piece, hmm):
                start = at
                at += len(word)
                if word.isspace():
                    continue
                a, b = (start, at) if same else norm.source_span(start, at)
                tag = tagger(word, hmm) if tagger else None
                if prev is not None and a < prev.end:  # two tokens from one expanded character
                    prev = Token(prev.text + word, prev.start, max(b, prev.end), prev.pos)
                    continue
                if prev is not None:
                    yield prev
                prev = Token(word, a, b, tag)
            if at != offset + len(piece):  # pragma: no cover - both backends return every character
                raise RuntimeError(f"segmenter lost characters in {piece[:30]!r}")
        if prev is not None:
            yield prev


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise InputTypeError(describe("text", text, "is not a str", accepted="str",
                                      todo="Decode bytes first (consensus_nlp.textio.decode)."))


def _chunks(text: str, cut: Callable[[str], list[str]]) -> Iterator[tuple[int, str]]:
    """(offset, piece) of ``text``: lines, and long lines cut after sentence ends.

    Cuts fall on characters jieba never joins into words (line breaks and
    sentence-final punctuation), so segmenting the pieces gives the same words
    as segmenting the whole. A run of more than ``_MAX_CHUNK_CHARS`` characters
    without such punctuation is cut after its last comma or space, or else at
    the start of the last word ``cut`` finds in it, never inside a word.
    """
    start, n = 0, len(text)
    while start < n:
        nl = text.find("\n", start)
        end = n if nl < 0 else nl + 1
        if end - start <= _MAX_CHUNK_CHARS:
            yield start, text[start:end]
        else:
            yield from _split_long(text, start, end, cut)
        start = end


def _split_long(text: str, start: int, end: int, cut: Callable[[str], list[str]]) -> Iterator[tuple[int, str]]:
    while end - start > _MAX_CHUNK_CHARS:
        window_end = start + _MAX_CHUNK_CHARS
        at = None
        for pattern in (_SENTENCE_END, _SOFT_BREAK):
            for m in pattern.finditer(text, start + _MAX_CHUNK_CHARS // 4, window_end):
                at = m.end()
            if at is not None:
                break
        if at is None:
            words = cut(text[start:window_end])
            at = window_end - len(words[-1]) if len(words) > 1 else window_end
            log.debug("no punctuation in %d characters at offset %d; cut before the word at %d", _MAX_CHUNK_CHARS, start, at)
        yield start, text[start:at]
        start = at
    if start < end:
        yield start, text[start:end]


def _has_rjieba() -> bool:
    import importlib.util

    return importlib.util.find_spec("rjieba") is not None


def _resolve_lexicon(lexicon: str | os.PathLike[str] | None) -> tuple[str, Path | None]:
    if lexicon is None or lexicon == "none":
        return "none", None
    if lexicon == "political":
        return "political", Path(str(resources.files("consensus_nlp") / "lexicons" / "political.txt"))
    if isinstance(lexicon, (str, os.PathLike)):
        path = Path(lexicon)
        if path.is_file():
            return str(path), path
        if isinstance(lexicon, str) and os.sep not in lexicon and "." not in lexicon:
            raise UnknownNameError(describe("lexicon", lexicon, "is not a known lexicon", accepted=_LEXICONS,
                                            todo="Pass one of those names or a path to a jieba user-dict file."))
        raise InvalidArgumentError(describe("lexicon", str(lexicon), "is not a file", accepted="a jieba user-dict file"))
    raise InputTypeError(describe("lexicon", lexicon, "is not a name or a path", accepted=[*_LEXICONS, "a path"]))


def _read_lexicon(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba user-dict file; ``#`` lines and blank lines skipped."""
    entries = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        if len(parts) > 3 or freq == 0:
            raise InvalidArgumentError(describe(f"lexicon line {lineno}", raw, "is not 'word [freq] [tag]' with freq > 0",
                                                accepted="'凝聚共识 10 nz'", todo=f"Fix {path}."))
        entries.append((word, freq, tag))
    return entries


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "consensus-nlp"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _JiebaEngine:
    """A private ``jieba.Tokenizer`` with the entries loaded by ``load_userdict``."""

    def __init__(self, entries: Sequence[tuple[str, int | None, str | None]]) -> None:
        import jieba

        tk = jieba.Tokenizer()
        dict_path = tk.get_dict_file()
        try:
            digest = hashlib.sha256(dict_path.read()).hexdigest()[:16]
        finally:
            dict_path.close()
        tk.tmp_dir = str(_cache_dir())
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


class _RjiebaEngine:
    """A private ``rjieba.Jieba`` with the entries added by ``add_word``."""

    def __init__(self, entries: Sequence[tuple[str, int | None, str | None]]) -> None:
        import rjieba

        self.jb = rjieba.Jieba()
        for word, freq, tag in entries:
            self.jb.add_word(word, freq, tag)

    def cut(self, text: str, hmm: bool) -> list[str]:
        words = self.jb.cut(text, hmm)
        if hmm and _RS_DOT_BUG.search(text):
            words = _fix_rs_dot(words, self.jb)
        return words


def _fix_rs_dot(words: list[str], jb: Any) -> list[str]:
    """Re-split non-Han HMM pieces the way jieba does (see ``_RS_DOT_BUG``)."""
    out: list[str] = []
    for w in words:
        if len(w) > 1 and w.isascii() and not _JIEBA_PIECE.fullmatch(w) and not jb.has_word(w):
            out.extend(p for p in _JIEBA_SKIP.split(w) if p)
        else:
            out.append(w)
    return out


# -- tokenize(): many documents ------------------------------------------------

def _documents(corpus: object) -> list[Document]:
    if isinstance(corpus, Corpus):
        return list(corpus)
    if isinstance(corpus, Document):
        return [corpus]
    if corpus is None or isinstance(corpus, (str, bytes, bytearray)):
        raise InputTypeError(describe("corpus", corpus, "is not a collection of documents",
                                      accepted="a Corpus, a Document or a list of str",
                                      todo="Wrap a single text in a list: tokenize([text])."))
    try:
        items = list(corpus)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(describe("corpus", corpus, "is not iterable",
                                      accepted="a Corpus, a Document or a list of str")) from None
    docs = []
    for i, item in enumerate(items):
        if isinstance(item, Document):
            docs.append(item)
        elif isinstance(item, str):
            docs.append(Document(f"doc-{i}", item))
        else:
            raise InputTypeError(describe(f"corpus[{i}]", item, "is not a str or a Document", accepted="str or Document",
                                          todo="Decode bytes and drop missing texts first."))
    return list(Corpus(docs))  # checks that ids are unique


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in word)


def _segment_one(segmenter: Segmenter, text: str, stop: frozenset[str], drop_punct: bool,
                 drop_numbers: bool) -> tuple[Token, ...]:
    out = []
    for t in segmenter.iter_tokens(text):
        w = t.text
        if (w in stop) or (drop_punct and _is_punct(w)) or (drop_numbers and _NUMBER.fullmatch(w)):
            continue
        out.append(t)
    return tuple(out)


def _segment_batch(args: tuple[Segmenter, list[str], frozenset[str], bool, bool]) -> list[tuple[Token, ...]]:
    segmenter, texts, stop, drop_punct, drop_numbers = args
    return [_segment_one(segmenter, t, stop, drop_punct, drop_numbers) for t in texts]


def tokenize(
    corpus: Corpus | Document | Iterable[str | Document],
    *,
    segmenter: Segmenter | None = None,
    stopwords: str | Sequence[str] | set[str] | frozenset[str] | None = None,
    drop_punct: bool = True,
    drop_numbers: bool = False,
    n_jobs: int = 1,
    progress: bool | None = None,
) -> Tokens:
    """Segment every document of a corpus.

    Examples:
        >>> toks = tokenize(["以协商凝聚共识，画出最大同心圆。"], segmenter=Segmenter(backend="jieba"))
        >>> toks.words()
        [['以', '协商', '凝聚共识', '画出', '最大', '同心圆']]

    Args:
        corpus: a :class:`Corpus`, a :class:`Document`, or a list of str and
            Documents (str items get ids ``doc-0``, ``doc-1``…). A bare str is refused.
        segmenter: the segmenter; default ``Segmenter()`` (political lexicon).
        stopwords: ``None`` (keep everything), a list name or names
            (:func:`consensus_nlp.list_stopwords`), or a set of words.
        drop_punct: drop tokens made only of punctuation and symbols.
        drop_numbers: drop numbers (``2021``, ``3.5``, ``50%``).
        n_jobs: worker processes; any value gives the same output.
        progress: show a tqdm progress bar; ``None``: only when stderr is a terminal.

    Returns:
        :class:`Tokens` with the documents' ids, texts and metadata; ``params``
        records the segmenter, the lexicon's sha256 and the stopword lists' hashes.

    Raises:
        InputTypeError: ``corpus`` is a bare str, bytes, ``None`` or holds non-str items.
        UnknownNameError: an unknown stopword list.
    """
    from consensus_nlp.text.stopwords import load_stopwords, stopword_hashes

    docs = _documents(corpus)
    segmenter = segmenter if segmenter is not None else Segmenter()
    if not isinstance(segmenter, Segmenter):
        raise InputTypeError(describe("segmenter", segmenter, "is not a Segmenter", accepted="Segmenter or None"))
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise InvalidArgumentError(describe("n_jobs", n_jobs, "is not a positive integer", accepted="1, 2, …"))
    stop_record: Any = None
    if stopwords is None:
        stop: frozenset[str] = frozenset()
    elif isinstance(stopwords, (set, frozenset)):
        stop = frozenset(stopwords)
        stop_record = {"custom": hashlib.sha256("\n".join(sorted(stop)).encode()).hexdigest()}
    else:
        stop = load_stopwords(stopwords)
        stop_record = stopword_hashes(stopwords)
    texts = [d.text for d in docs]
    show = sys.stderr.isatty() if progress is None else bool(progress)
    results: list[tuple[Token, ...]] = []
    if n_jobs == 1 or len(texts) < 2:
        segmenter._engine()  # build the dictionary before the progress bar starts
        iterator: Iterable[str] = texts
        if show:
            from tqdm.auto import tqdm

            iterator = tqdm(texts, desc="tokenize", unit="doc")
        results = [_segment_one(segmenter, t, stop, drop_punct, drop_numbers) for t in iterator]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, min(64, len(texts) // (n_jobs * 4) or 1))
        batches = [(segmenter, texts[i:i + size], stop, drop_punct, drop_numbers) for i in range(0, len(texts), size)]
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            mapped: Iterable[list[tuple[Token, ...]]] = pool.map(_segment_batch, batches)
            if show:
                from tqdm.auto import tqdm

                mapped = tqdm(mapped, total=len(batches), desc="tokenize", unit="batch")
            for batch in mapped:
                results.extend(batch)
    params = {**segmenter.params, "stopwords": stop_record, "drop_punct": drop_punct, "drop_numbers": drop_numbers}
    return Tokens([d.doc_id for d in docs], texts, [d.meta for d in docs], results, params=params)
