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

:func:`tokenize` (many documents) takes the documents in batches of about 32,000
characters: a batch is normalized as one array of code points
(:func:`~consensus_nlp.text.normalization.normalize_joined`), its texts joined by
line breaks are cut in one engine call (neither jieba nor jieba-rs joins a line
break with anything, so the words are those of cutting each text by itself), and
the words become type ids through a cache keyed by their code points
(:class:`_ShortWords`). The tokens are the same as those of :meth:`Segmenter.tokenize`
on each text (tested on random documents and all of People's Daily, January 1998).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import sys
import threading
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any

from .._zh import CLOSERS, SENTENCE_END, is_han
from ..corpus import Corpus, Document, is_dataframe
from ..errors import (InputTypeError, InvalidArgumentError, MissingDependencyError, check_choice,
                      check_bool, check_int, describe)
from .granularity import GRANULARITIES, FineEngine, FineSplitter
from .jieba_engines import LEXICONS, JiebaEngine, RjiebaEngine, check_word, has_rjieba, read_lexicon, resolve_lexicon
from .normalization import build_tables, normalize, normalize_joined, normalize_str
from .tokens import Token, Tokens

_read_lexicon = read_lexicon  # the name the tests and older code use

__all__ = ["Segmenter", "tokenize", "list_lexicons"]

log = logging.getLogger(__name__)

_BACKENDS = ("auto", "jieba", "rjieba")
_MAX_CHUNK_CHARS = 2000  # longer lines are cut at sentence ends (or hard) for bounded memory
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_END)}]+[{re.escape(CLOSERS)}]*")
_SOFT_BREAK = re.compile(r"[，、,：:\s]+")  # where a long run without sentence ends is cut next
_SPACE = re.compile(r"\s")

_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()


def list_lexicons() -> list[str]:
    """Names accepted by ``Segmenter(lexicon=...)`` besides a path to a jieba user-dict file."""
    return list(LEXICONS)


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
        check_choice("backend", backend, _BACKENDS, what="a known backend")
        check_bool("hmm", hmm)
        check_bool("traditional", traditional)
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
        data = self._lexicon_path.read_bytes() if self._lexicon_path else b""
        self.lexicon_sha256: str | None = hashlib.sha256(data).hexdigest() if self._lexicon_path else None
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
        tagger = self._engine("jieba").tagger() if check_bool("pos", pos) else None
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


# -- tokenize(): many documents, into columns ------------------------------------

#: a number as a token (2021, 3.5, 50%, 1,000, 1/2): dropped by ``drop_numbers``
NUMBER = re.compile(r"[+\-]?(?:\d+(?:[.,:/]\d+)*%?|\d*\.\d+%?)")


def _as_corpus(corpus: object) -> Corpus:
    if isinstance(corpus, Corpus):
        return corpus
    if isinstance(corpus, Document):
        return Corpus([corpus])
    if is_dataframe(corpus):  # iterating a DataFrame gives its column names
        raise InputTypeError(describe("corpus", f"<DataFrame, columns {list(corpus.columns)}>",
                                      "is a pandas DataFrame, not a collection of documents",
                                      accepted="a Corpus, a Document or a list of str",
                                      todo="Convert it: cn.Corpus.from_dataframe(df, text='text') (doc_id from an 'id' column)."))
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
    return Corpus(docs)  # checks that ids are unique


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in word)


class _ShortWords:
    """A direct-mapped cache from words of at most four characters to type ids.

    A word of one to four characters below U+FFFF is packed into a 64-bit key
    (16 bits per character, each stored plus one so that length is part of the
    key) and looked up in a table of ``2**BITS`` slots by a multiplicative hash:
    a few numpy gathers for a whole batch of words, where a dictionary lookup
    per word would hash each fresh string the engine returns. A slot holds one
    key; a word whose slot holds another key (a collision) or none (a type not
    seen yet) is a miss, and the caller finds it in the vocabulary instead and
    :meth:`remember`s it. The cache only saves time: the type ids are the
    vocabulary's either way.
    """

    BITS = 18
    _MULTIPLIER = 0x9E3779B97F4A7C15  # 2**64 / golden ratio (Fibonacci hashing)

    def __init__(self) -> None:
        import numpy as np

        # by word length: the bits of the key that belong to the word (none past four characters)
        self.masks = np.array([0, 0xFFFF, 0xFFFF_FFFF, 0xFFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0], dtype=np.uint64)
        self.keys = np.zeros(1 << self.BITS, dtype=np.uint64)  # 0: an empty slot
        self.ids = np.full(1 << self.BITS, -1, dtype=np.int32)

    def _slots(self, keys: Any) -> Any:
        import numpy as np

        return ((keys * np.uint64(self._MULTIPLIER)) >> np.uint64(64 - self.BITS)).astype(np.intp)

    def lookup(self, words: list[str], text: str) -> tuple[Any, Any]:
        """``(keys, ids)`` of ``words``, which tile ``text``: the key of each word (0 for a word
        the cache cannot hold) and its type id from the cache, -1 for a miss."""
        import numpy as np

        n, size = len(words), len(text)
        try:  # one byte per length: faster than np.fromiter, for words shorter than 256 characters
            lens = np.frombuffer(bytes(map(len, words)), dtype=np.uint8).astype(np.int64)
        except ValueError:
            lens = np.fromiter(map(len, words), dtype=np.int64, count=n)
        starts = np.cumsum(lens) - lens
        if n and int(starts[-1] + lens[-1]) != size:  # pragma: no cover - engines return every character
            raise RuntimeError("the segmenter lost characters")
        codes = np.zeros(size + 3, dtype=np.uint64)  # code point + 1 (0: past the end)
        codes[:size] = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes[:size] += 1
        big = codes > 0xFFFF if size and int(codes.max()) > 0xFFFF else None
        if big is not None:
            codes[big] = 0
        # the key of the four characters from each position, cut to each word's length (0 past four)
        window = codes[:size] | codes[1:size + 1] << 16 | codes[2:size + 2] << 32 | codes[3:size + 3] << 48
        keys = window[starts] & self.masks[np.minimum(lens, 5)]
        if big is not None:  # a word with a character from U+FFFF up has no key
            flags = big[:size] | big[1:size + 1] << 1 | big[2:size + 2] << 2 | big[3:size + 3] << 3
            keys[(flags[starts] & ((1 << np.minimum(lens, 4)) - 1)) != 0] = 0
        slots = self._slots(keys)
        ids = self.ids[slots]
        ids[(self.keys[slots] != keys) | (keys == 0)] = -1
        return keys, ids

    def remember(self, keys: Any, ids: Any) -> None:
        """Put ``keys`` (from :meth:`lookup`) with their type ids into free slots."""
        import numpy as np

        usable = keys != 0
        keys, ids = keys[usable], ids[usable]
        slots = self._slots(keys)
        free = self.keys[slots] == 0
        slots, first = np.unique(slots[free], return_index=True)
        self.keys[slots] = keys[free][first]
        self.ids[slots] = ids[free][first]


class _Columns:
    """Tokens of many documents being collected, turned into final columns chunk by chunk.

    While a chunk is open, every piece of each text is recorded as a type id
    (``ids``, an ``array('i')``), whitespace and dropped tokens included, so the
    pieces tile the text: a piece's length is its type's length, except for the
    pieces in ``spans`` (gaps, id -1, and tokens whose source span differs from
    their normalized text). When a chunk holds ``FLUSH`` pieces (at a document
    end) it becomes int32 columns of the kept tokens (offsets by one cumulative
    sum), so memory stays at the size of the result plus one chunk. Whether a
    type is kept (not whitespace, a stopword, punctuation or a number) is decided
    once per type.
    """

    FLUSH = 1 << 18

    def __init__(self, stop: frozenset[str], drop_punct: bool, drop_numbers: bool) -> None:
        self.rule = (stop, drop_punct, drop_numbers)
        self.vocab: dict[str, int] = {}
        self.types: list[str] = []
        self.type_lens = array("q")  # per type, its length
        self.keep: list[bool] = []  # per type, decided when a chunk is flushed
        self.ids = array("i")
        self.spans: list[tuple[int, int]] = []  # (piece in the open chunk, length)
        self.ends: list[int] = []  # per document of the open chunk, its number of pieces so far
        self.lengths: list[int] = []  # per document of the open chunk, its text's length
        self.chunks: list[tuple[Any, Any, Any, Any]] = []  # (ids, starts, ends, tokens per document)
        self.short: _ShortWords | None = None  # made on first use (numpy is imported lazily)

    def __getstate__(self) -> tuple[Any, ...]:
        self.flush()
        return self.rule, self.types, self.chunks

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.__init__(*state[0])  # type: ignore[misc]
        self.types, self.chunks = state[1], state[2]
        self.type_lens = array("q", map(len, self.types))

    def type_id(self, word: str) -> int:
        i = self.vocab.get(word)
        return self._add_types([word]) if i is None else i

    def _add_types(self, words: list[str]) -> int:
        """Append ``words`` (distinct, none in the vocabulary yet) as new types; the id of the first."""
        base = len(self.types)
        self.vocab.update(zip(words, range(base, base + len(words))))
        self.types += words
        self.type_lens.extend(map(len, words))
        return base

    def word_ids(self, words: list[str], text: str) -> Any:
        """The type ids of ``words``, which tile ``text``, as an int32 array; new types are
        added in order of first appearance.

        Most words are found in :class:`_ShortWords` by their code points (numpy
        gathers, no string hashing); the rest (new types, words of more than four
        characters, the cache's collisions) by one dictionary lookup each.
        """
        import numpy as np

        if self.short is None:
            self.short = _ShortWords()
        keys, ids = self.short.lookup(words, text)
        missed = np.flatnonzero(ids < 0)
        if not missed.size:
            return ids
        rest = [words[k] for k in missed.tolist()]
        found = np.fromiter(map(self.vocab.get, rest, repeat(-1)), dtype=np.int32, count=len(rest))
        new = np.flatnonzero(found < 0)
        if new.size:
            unseen = [rest[k] for k in new.tolist()]
            first = list(dict.fromkeys(unseen))
            base = self._add_types(first)
            added = dict(zip(first, range(base, base + len(first))))  # small: faster to look up than vocab
            found[new] = np.fromiter(map(added.__getitem__, unseen), dtype=np.int32, count=len(unseen))
        ids[missed] = found
        self.short.remember(keys[missed], found)
        return ids

    def add_words(self, words: list[str], text: str) -> None:
        """Words that tile ``text``, the next piece of the open document's text."""
        self.ids.frombytes(self.word_ids(words, text).tobytes())

    def add_documents(self, joined: str, lengths: list[int], cut: Callable[[str], list[str]]) -> None:
        """Whole documents at once: ``joined`` holds their (normalized) texts of ``lengths``
        characters joined by line breaks, none in the texts themselves, and is cut in
        one call. Neither jieba nor jieba-rs joins a line break with anything (both
        split their text into blocks at whitespace first), so the words between two
        line breaks are the words of one text."""
        import numpy as np

        ids = self.word_ids(cut(joined), joined)
        breaks = np.flatnonzero(ids == self.type_id("\n"))
        if len(breaks) != len(lengths) - 1:  # pragma: no cover - the texts hold no line breaks
            raise RuntimeError("a text of the batch holds a line break")
        base = len(self.ids)
        if len(breaks):
            keep = np.ones(len(ids), dtype=bool)
            keep[breaks] = False
            ids = ids[keep]
        self.ids.frombytes(ids.tobytes())
        self.ends += (breaks - np.arange(len(breaks)) + base).tolist()
        self.ends.append(len(self.ids))
        self.lengths += lengths
        if len(self.ids) >= self.FLUSH:
            self.flush()

    def add_tokens(self, tokens: Iterable[Token], length: int) -> None:
        """Tokens with offsets into a text of ``length`` characters; the gaps are filled."""
        at = 0
        for t in tokens:
            if t.start > at:
                self.spans.append((len(self.ids), t.start - at))
                self.ids.append(-1)
            if t.end - t.start != len(t.text):
                self.spans.append((len(self.ids), t.end - t.start))
            self.ids.append(self.type_id(t.text))
            at = t.end
        if length > at:
            self.spans.append((len(self.ids), length - at))
            self.ids.append(-1)

    def end_document(self, length: int) -> None:
        self.ends.append(len(self.ids))
        self.lengths.append(length)
        if len(self.ids) >= self.FLUSH:
            self.flush()

    def _classify(self) -> None:
        """Decide for the types added since the last call whether their tokens are kept."""
        stop = self.rule[0]
        other = self._keep_other
        # A word that starts with an ideograph (is_han, by comparing whole strings: no 1-character
        # string is made) is neither whitespace, punctuation nor a number: only a stopword is dropped.
        self.keep += [w not in stop if "\u4e00" <= w < "\ua000" or "\u3400" <= w < "\u4dc0" else other(w)
                      for w in self.types[len(self.keep):]]

    def _keep_other(self, w: str) -> bool:
        stop, drop_punct, drop_numbers = self.rule
        return not (w.isspace() or w in stop or (drop_punct and not is_han(w[0]) and _is_punct(w))
                    or (drop_numbers and NUMBER.fullmatch(w) is not None))

    def flush(self) -> None:
        """Turn the open chunk into columns of the kept tokens."""
        import numpy as np

        if not self.ends:
            return
        self._classify()
        ids = np.frombuffer(self.ids, dtype=np.int32) if len(self.ids) else np.zeros(0, np.int32)
        lens = np.append(np.frombuffer(self.type_lens, dtype=np.int64), 0)[ids]
        if self.spans:
            where, length = np.array(self.spans, dtype=np.int64).T
            lens[where] = length
        entry_bounds = np.array([0, *self.ends], dtype=np.int64)
        chars = np.concatenate([[0], np.cumsum(lens)])
        doc_chars = chars[entry_bounds]
        if not np.array_equal(np.diff(doc_chars), np.array(self.lengths, dtype=np.int64)):
            raise RuntimeError("the segmenter lost characters")  # pragma: no cover - engines return every character
        keep = np.append(np.array(self.keep, dtype=bool), False)[ids]
        base = np.repeat(doc_chars[:-1], np.diff(entry_bounds))[keep]
        ends = chars[1:][keep] - base
        per_doc = np.diff(np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])[entry_bounds])
        self.chunks.append((ids[keep], (ends - lens[keep]).astype(np.int32), ends.astype(np.int32), per_doc))
        self.ids, self.spans, self.ends, self.lengths = array("i"), [], [], []
        _release_free_memory()

    def extend(self, other: _Columns) -> None:
        """Append the documents of ``other`` (collected in another process), mapping its type ids to ours."""
        import numpy as np

        self.flush()
        remap = np.fromiter(map(self.vocab.get, other.types, repeat(-1)), dtype=np.int32, count=len(other.types))
        new = np.flatnonzero(remap < 0)
        if new.size:
            base = self._add_types([other.types[k] for k in new.tolist()])
            remap[new] = np.arange(base, base + new.size, dtype=np.int32)
        self.chunks += [(remap[ids], starts, ends, per_doc) for ids, starts, ends, per_doc in other.chunks]

    def arrays(self) -> tuple[tuple[str, ...], Any, Any, Any, Any]:
        """``(types, ids, starts, ends, bounds)`` of the kept tokens, offsets per document."""
        import numpy as np

        self.flush()
        chunks = [list(c) for c in self.chunks] or [[np.zeros(0, np.int32)] * 3 + [np.zeros(0, np.int64)]]
        self.chunks = []
        columns = []
        for k in range(4):  # one column at a time, freeing its chunks: the copy costs one column, not all
            columns.append(np.concatenate([c[k] for c in chunks]))
            for c in chunks:
                c[k] = None
        bounds = np.concatenate([[0], np.cumsum(columns[3], dtype=np.int64)]).astype(np.int64)
        _release_free_memory()
        return tuple(self.types), columns[0], columns[1], columns[2], bounds


def _release_free_memory() -> None:
    """Give the free pages of the C heap back to the operating system (glibc's ``malloc_trim``).

    Tokenizing keeps a chunk of result columns every ``_Columns.FLUSH`` pieces while
    it makes and frees many short-lived arrays and strings. glibc serves both from
    the same heap once its mmap threshold has grown (it adapts to the sizes freed),
    so the long-lived chunks pin the heap and its free space stays resident: 80 MiB
    after tokenizing 15 M characters, about 5 GiB at 10^9 (measured with
    ``benchmarks/scaling.py``). Trimming after each chunk returns it. Only free
    memory is released; nothing else in the process changes. Elsewhere than glibc
    (musl, macOS, Windows) this does nothing.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc
        return None


_BATCH_CHARS = 1 << 15  # documents are normalized and cut in batches of about this many characters


def _segment_texts(segmenter: Segmenter, texts: Iterable[str], rule: tuple[frozenset[str], bool, bool]) -> _Columns:
    """The fast path: the engine's words straight into columns, no per-token objects.

    Documents are taken in batches of about ``_BATCH_CHARS`` characters, normalized
    together (:func:`normalize_joined`) and, where normalization keeps every offset,
    cut together (:meth:`_Columns.add_documents`): the words tile the texts, so
    their offsets are a cumulative sum, computed per chunk in numpy, and their type
    ids come from :class:`_ShortWords` (numpy) or, for its misses, one dictionary
    lookup each (:meth:`_Columns.word_ids`). A document whose normalization changes
    its length goes through :meth:`Segmenter.iter_tokens`, which maps offsets back
    through the expansion; one with line breaks or longer than ``_MAX_CHUNK_CHARS``
    is cut by itself, line by line.
    """
    cols = _Columns(*rule)
    batch: list[str] = []
    size = 0
    for text in texts:
        if type(text) is not str:
            _check_text(text)
        batch.append(text)
        size += len(text) + 1  # + 1: the line break that joins it to the next (a batch of empty texts ends too)
        if size >= _BATCH_CHARS:
            _segment_batch_texts(segmenter, batch, cols)
            batch, size = [], 0
    if batch:
        _segment_batch_texts(segmenter, batch, cols)
    return cols


def _segment_batch_texts(segmenter: Segmenter, batch: list[str], cols: _Columns) -> None:
    engine, hmm = segmenter._engine(), segmenter.hmm

    def cut(piece: str) -> list[str]:
        return engine.cut(piece, hmm)

    joined, changed = normalize_joined(batch, traditional=segmenter.traditional)
    lengths = list(map(len, batch))
    if not changed and max(lengths) <= _MAX_CHUNK_CHARS and joined.count("\n") == len(batch) - 1 \
            and "\r" not in joined:  # the common case: the whole batch in one call
        cols.add_documents(joined, lengths, cut)
        return
    slow = set(changed)
    run: list[int] = []  # lengths of consecutive documents to cut together
    run_start = at = 0  # where the run starts in joined; where the next text starts
    for i, (text, size) in enumerate(zip(batch, lengths)):
        start, at = at, at + size + 1
        norm = None if i in slow else joined[start:start + size]
        if norm is not None and size <= _MAX_CHUNK_CHARS and "\n" not in norm and "\r" not in norm:
            if not run:
                run_start = start
            run.append(size)
            continue
        if run:
            cols.add_documents(joined[run_start:start - 1], run, cut)
            run = []
        if norm is None:
            cols.add_tokens(segmenter.iter_tokens(text), size)
        else:
            for _, piece in _chunks(norm, cut):
                cols.add_words(cut(piece), piece)
        cols.end_document(size)
    if run:
        cols.add_documents(joined[run_start:], run, cut)


def _segment_batch(args: tuple[Segmenter, list[str], tuple[frozenset[str], bool, bool]]) -> _Columns:
    segmenter, texts, rule = args
    return _segment_texts(segmenter, texts, rule)


def _fork_context() -> Any:
    """The "fork" start method where it exists and is safe (Linux), else ``None``.

    Forked workers inherit the loaded dictionary, and a script that calls
    ``tokenize(..., n_jobs=2)`` without an ``if __name__ == "__main__"`` guard runs
    (the "spawn" method would re-run the script in every worker).
    """
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _batches(texts: Sequence[str], n: int) -> list[list[str]]:
    """``texts`` cut into at most ``n`` consecutive batches of similar numbers of characters."""
    total = sum(map(len, texts)) or 1
    out: list[list[str]] = [[]]
    size = 0
    for t in texts:
        if size >= total / n * len(out) and out[-1] and len(out) < n:
            out.append([])
        out[-1].append(t)
        size += len(t)
    return out


def _segment_parallel(segmenter: Segmenter, texts: Sequence[str], rule: tuple[frozenset[str], bool, bool],
                      n_jobs: int, show: bool) -> _Columns:
    from concurrent.futures import ProcessPoolExecutor

    context = _fork_context()
    if context is None:
        log.info("tokenize: n_jobs=%s needs the 'fork' start method, not available on %s; running in one process",
                 n_jobs, sys.platform)
        return _segment_texts(segmenter, _progress(texts, show, "doc"), rule)
    segmenter._engine()  # build the dictionary and the character tables once; the workers inherit them
    build_tables()
    batches = _batches(texts, n_jobs)  # one batch per process: each learns the vocabulary once
    if len(batches) < 2:  # e.g. only empty texts
        return _segment_texts(segmenter, texts, rule)
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(batches)) - 1, mp_context=context) as pool:
        # n_jobs - 1 workers take the later batches while this process segments the first
        parts = [pool.submit(_segment_batch, (segmenter, b, rule)) for b in batches[1:]]
        cols = _segment_texts(segmenter, batches[0], rule)
        for part in _progress(parts, show, "batch", total=len(parts)):
            cols.extend(part.result())
    return cols


def _progress(items: Iterable[Any], show: bool, unit: str, total: int | None = None) -> Iterable[Any]:
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc="tokenize", unit=unit, total=total)


def _stop_rule(stopwords: Any) -> tuple[frozenset[str], Any]:
    from .stopwords import load_stopwords, stopword_hashes

    if stopwords is None:
        return frozenset(), None
    if isinstance(stopwords, (set, frozenset)):
        stop = frozenset(stopwords)
        return stop, {"custom": hashlib.sha256("\n".join(sorted(stop)).encode()).hexdigest()}
    return load_stopwords(stopwords), stopword_hashes(stopwords)


def tokenize(
    corpus: Corpus | Document | Iterable[str | Document],
    *,
    segmenter: Segmenter | Callable[[str], Iterable[tuple[str, int, int]]] | None = None,
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
        segmenter: the segmenter; default ``Segmenter()`` (political lexicon). Any
            other tokenizer can be plugged in as a callable ``text -> iterable of
            (word, start, end)`` with ``text[start:end]`` the word's span (spaCy,
            pkuseg, a regex…); its tokens go through the same stopword and
            punctuation rules and the result records the callable's name.
        stopwords: ``None`` (keep everything), a list name or names
            (:func:`consensus_nlp.list_stopwords`), or a set of words.
        drop_punct: drop tokens made only of punctuation and symbols.
        drop_numbers: drop numbers (``2021``, ``3.5``, ``50%``).
        n_jobs: worker processes (forked, on Linux; elsewhere one process is used and
            the reason logged); any value gives the same output. Workers send back
            arrays, not token objects.
        progress: show a tqdm progress bar; ``None``: only when stderr is a terminal.

    Returns:
        :class:`Tokens` whose ``docvars`` is the corpus's own (``tokens.docvars is
        corpus.docvars``); ``params`` records the segmenter, the lexicon's sha256 and
        the stopword lists' hashes.

    Raises:
        InputTypeError: ``corpus`` is a bare str, bytes, ``None`` or holds non-str items.
        UnknownNameError: an unknown stopword list.
    """
    if hasattr(corpus, "__cn_lazy__"):  # a LazyCorpus (consensus_nlp.integrations.dask): tokens by partition
        return corpus.tokenize(segmenter=segmenter, stopwords=stopwords, drop_punct=drop_punct,
                               drop_numbers=drop_numbers, n_jobs=n_jobs, progress=progress)
    corpus = _as_corpus(corpus)
    segmenter = segmenter if segmenter is not None else Segmenter()
    if not isinstance(segmenter, Segmenter) and not callable(segmenter):
        raise InputTypeError(describe("segmenter", segmenter, "is not a Segmenter or a tokenizer function",
                                      accepted="Segmenter, a callable text -> [(word, start, end), ...], or None"))
    check_int("n_jobs", n_jobs, minimum=1)
    stop, stop_record = _stop_rule(stopwords)
    rule = (stop, check_bool("drop_punct", drop_punct), check_bool("drop_numbers", drop_numbers))
    texts = corpus.texts
    show = sys.stderr.isatty() if progress is None else check_bool("progress", progress)
    if not isinstance(segmenter, Segmenter):
        cols = _segment_with_callable(segmenter, _progress(texts, show, "doc"), rule)
        params = {"segmenter": getattr(segmenter, "__qualname__", type(segmenter).__qualname__),
                  "stopwords": stop_record, "drop_punct": drop_punct, "drop_numbers": drop_numbers}
        return Tokens.from_arrays(corpus.docvars, texts, *cols.arrays(), params=params)
    if n_jobs == 1 or len(texts) < 2:
        segmenter._engine()  # build the dictionary and the character tables before the progress bar starts
        build_tables()
        cols = _segment_texts(segmenter, _progress(texts, show, "doc"), rule)
    else:
        cols = _segment_parallel(segmenter, texts, rule, n_jobs, show)
    params = {**segmenter.params, "stopwords": stop_record, "drop_punct": drop_punct, "drop_numbers": drop_numbers}
    return Tokens.from_arrays(corpus.docvars, texts, *cols.arrays(), params=params)


def _segment_with_callable(tokenizer: Callable[[str], Iterable[tuple[str, int, int]]], texts: Iterable[str],
                           rule: tuple[frozenset[str], bool, bool]) -> _Columns:
    """Columns from a user's tokenizer, checking that its spans lie in the text, in order, without overlap."""
    cols = _Columns(*rule)
    name = getattr(tokenizer, "__qualname__", type(tokenizer).__qualname__)
    for text in texts:
        tokens, at = [], 0
        items = tokenizer(text)
        if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):  # None, an int, a bare string
            raise InvalidArgumentError(describe("segmenter", name, f"returned {items!r:.80}, not an iterable of tuples",
                                                accepted="a callable text -> [(word, start, end), ...]"))
        for item in items:
            if (not isinstance(item, tuple) or len(item) != 3 or not isinstance(item[0], str)
                    or not all(isinstance(x, int) and not isinstance(x, bool) for x in item[1:])):
                raise InvalidArgumentError(describe("segmenter", name, f"returned {item!r}, not a (word, start, end) tuple",
                                                    accepted="tuples (str, int, int) with text[start:end] the word's span"))
            word, start, end = item
            if not at <= start < end <= len(text) or not word or word.isspace():
                raise InvalidArgumentError(describe(
                    "segmenter", name, f"returned the span ({start}, {end}) for {word!r} in a text of {len(text)} "
                    f"characters after a token ending at {at}",
                    accepted="non-empty words with spans in order, inside the text, not overlapping"))
            tokens.append(Token(word, start, end))
            at = end
        cols.add_tokens(tokens, len(text))
        cols.end_document(len(text))
    return cols
