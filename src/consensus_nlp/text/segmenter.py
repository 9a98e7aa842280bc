"""The :class:`Segmenter`: one text in, words or tokens with offsets out.

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
sentence ends, :func:`chunks`), so memory stays proportional to the output.

Many documents go through :func:`consensus_nlp.tokenize` (:mod:`.segmentation`).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .._zh import CLOSERS, SENTENCE_END
from ..errors import InputTypeError, MissingDependencyError, UnknownNameError, check_bool, check_choice, describe
from .granularity import GRANULARITIES, FineEngine, FineSplitter
from .. import registry
from .jieba_engines import JiebaEngine, RjiebaEngine, check_word, has_rjieba, read_lexicon, resolve_lexicon
from .normalization import normalize, normalize_str
from .tokens import Token

__all__ = ["Segmenter", "list_lexicons", "check_text", "chunks", "MAX_CHUNK_CHARS"]

log = logging.getLogger(__name__)

_BACKENDS = ("auto", "jieba", "rjieba")
MAX_CHUNK_CHARS = 2000  # longer lines are cut at sentence ends (or hard) for bounded memory
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_END)}]+[{re.escape(CLOSERS)}]*")
_SOFT_BREAK = re.compile(r"[，、,：:\s]+")  # where a long run without sentence ends is cut next
_SPACE = re.compile(r"\s")

_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()


def list_lexicons() -> list[str]:
    """Names accepted by ``Segmenter(lexicon=...)`` besides a path to a jieba user-dict file
    (``consensus_nlp.registry.lexicons``: the package's own and those other packages registered)."""
    return registry.lexicons.names()


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
        granularity: ``"coarse"`` (the words as the engine and lexicon give them:
            社会主义, 经济建设 stay whole) or ``"fine"`` (compounds split the way
            general-purpose segmenters split them: 社会 主义, 经济 建设; see
            :mod:`consensus_nlp.text.granularity`). Use ``"fine"`` with ``lexicon="none"``
            to compare counts with analyses made with ICU or similar word boundaries.

    Raises:
        UnknownNameError: unknown backend, lexicon or granularity name.
        MissingDependencyError: rjieba asked for but not installed.
        InvalidArgumentError: a missing, malformed or non-UTF-8 lexicon file; a user word with
            spaces or a lone surrogate.
        InputTypeError: ``user_words`` is a bare str, ``None``, or holds non-str items.
    """

    def __init__(
        self,
        *,
        backend: str = "auto",
        lexicon: str | os.PathLike[str] | None = "political",
        user_words: Iterable[str] = (),
        hmm: bool = True,
        traditional: bool = False,
        granularity: str = "coarse",
    ) -> None:
        check_choice("granularity", granularity, GRANULARITIES, what="a granularity")
        check_bool("hmm", hmm)
        check_bool("traditional", traditional)
        if not isinstance(backend, str) or backend not in _BACKENDS:
            raise UnknownNameError(describe("backend", backend, "is not a known backend", accepted=_BACKENDS))
        if backend == "auto":
            backend = "rjieba" if has_rjieba() else "jieba"
        elif backend == "rjieba" and not has_rjieba():
            raise MissingDependencyError(describe("backend", backend, "needs the package 'rjieba', which is not installed",
                                                accepted="'jieba' or 'auto'", todo="pip install rjieba"))
        if isinstance(user_words, (str, bytes)):
            raise InputTypeError(describe("user_words", user_words, "is a single string", accepted="a list of words",
                                          todo="Wrap it in a list: user_words=['凝聚共识']."))
        if not isinstance(user_words, Iterable):
            raise InputTypeError(describe("user_words", user_words, "is not a list of words",
                                          accepted="a list of str (empty for none)"))
        words = tuple(check_word("user_words", w) for w in user_words)
        self.backend: str = backend
        self.lexicon_name, self._lexicon_path = resolve_lexicon(lexicon)
        self.user_words: tuple[str, ...] = words
        self.hmm: bool = bool(hmm)
        self.traditional: bool = bool(traditional)
        self.granularity: str = granularity
        self.lexicon_sha256: str | None = registry.sha256_file(self._lexicon_path) if self._lexicon_path else None
        if self._lexicon_path is not None and self.lexicon_name != "political":
            read_lexicon(self._lexicon_path)  # refuse a malformed user dictionary now, not at first use

    # -- pickling: parameters only; the dictionary is rebuilt (once) per process
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_engine_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        fine = ", granularity='fine'" if self.granularity == "fine" else ""
        return (f"Segmenter(backend={self.backend!r}, lexicon={self.lexicon_name!r}, "
                f"user_words={len(self.user_words)}, hmm={self.hmm}{fine})")

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
            "granularity": self.granularity,
            **({"fine_dictionary_sha256": FineSplitter.dictionary_sha256()} if self.granularity == "fine" else {}),
        }

    def _key(self) -> tuple[Any, ...]:
        return (self.lexicon_sha256, str(self._lexicon_path), self.user_words)

    def _engine(self, backend: str | None = None) -> Any:
        backend = backend or self.backend
        attr = f"_engine_{backend}"
        engine = self.__dict__.get(attr)
        if engine is None:
            engine = self._shared_engine(backend)
            if self.granularity == "fine":
                engine = FineEngine(engine, FineSplitter())
            self.__dict__[attr] = engine
        return engine

    def _shared_engine(self, backend: str) -> Any:
        key = (backend, *self._key())
        engine = _cache.get(key)
        if engine is None:
            with _cache_lock:
                engine = _cache.get(key)
                if engine is None:
                    entries = read_lexicon(self._lexicon_path) if self._lexicon_path else []
                    entries += [(w, None, None) for w in self.user_words]
                    engine = JiebaEngine(entries) if backend == "jieba" else RjiebaEngine(entries)
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
            check_text(text)
        norm = normalize_str(text, traditional=self.traditional)
        engine, hmm = self._engine(), self.hmm
        if len(norm) <= MAX_CHUNK_CHARS and "\n" not in norm:
            pieces: Iterable[tuple[int, str]] = ((0, norm),)
        else:
            pieces = chunks(norm, lambda piece: engine.cut(piece, hmm))
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
        check_text(text)
        norm = normalize(text, traditional=self.traditional)
        engine, hmm = self._engine(), self.hmm
        tagger = self._engine("jieba").tagger() if check_bool("pos", pos) else None
        same = norm.same_length
        prev: Token | None = None
        for offset, piece in chunks(norm.text, lambda piece: engine.cut(piece, hmm)):
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


def check_text(text: object) -> None:
    if not isinstance(text, str):
        raise InputTypeError(describe("text", text, "is not a str", accepted="str",
                                      todo="Decode bytes first (consensus_nlp.textio.decode)."))


def chunks(text: str, cut: Callable[[str], list[str]]) -> Iterator[tuple[int, str]]:
    """(offset, piece) of ``text``: lines, and long lines cut after sentence ends.

    Cuts fall on characters jieba never joins into words (line breaks and
    sentence-final punctuation), so segmenting the pieces gives the same words
    as segmenting the whole. A run of more than ``MAX_CHUNK_CHARS`` characters
    without such punctuation is cut after its last comma or space, or else at
    the start of the last word ``cut`` finds in it, never inside a word.
    """
    start, n = 0, len(text)
    while start < n:
        nl = text.find("\n", start)
        end = n if nl < 0 else nl + 1
        if end - start <= MAX_CHUNK_CHARS:
            yield start, text[start:end]
        else:
            yield from _split_long(text, start, end, cut)
        start = end


def _split_long(text: str, start: int, end: int, cut: Callable[[str], list[str]]) -> Iterator[tuple[int, str]]:
    while end - start > MAX_CHUNK_CHARS:
        window_end = start + MAX_CHUNK_CHARS
        at = None
        for pattern in (_SENTENCE_END, _SOFT_BREAK):
            for m in pattern.finditer(text, start + MAX_CHUNK_CHARS // 4, window_end):
                at = m.end()
            if at is not None:
                break
        if at is None:
            words = cut(text[start:window_end])
            at = window_end - len(words[-1]) if len(words) > 1 else window_end
            log.debug("no punctuation in %d characters at offset %d; cut before the word at %d", MAX_CHUNK_CHARS, start, at)
        yield start, text[start:at]
        start = at
    if start < end:
        yield start, text[start:end]


# -- tokenize(): many documents, into columns ------------------------------------
