"""Tokens of many documents collected into columns: type ids, starts, ends, per-document counts.

:class:`Columns` takes the words an engine returns (or a tokenizer's tokens) and
turns them, chunk by chunk, into the int32 arrays of :class:`~consensus_nlp.text.tokens.Tokens`,
applying the keep rules (:func:`keeps`: whitespace, stopwords, punctuation, numbers) once
per type. :class:`ShortWords` finds the type ids of short words by their code points.
:func:`release_free_memory` gives the C heap's free pages back after each chunk.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

from .._zh import is_han
from .tokens import Token

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["Columns", "ShortWords", "NUMBER", "Rule", "is_punct", "keeps", "keep_types", "release_free_memory"]

#: a number as a token (2021, 3.5, 50%, 1,000, 1/2): dropped by ``drop_numbers``
NUMBER = re.compile(r"[+\-]?(?:\d+(?:[.,:/]\d+)*%?|\d*\.\d+%?)")

#: the keep rule of :func:`~consensus_nlp.tokenize`: ``(stopwords, drop_punct, drop_numbers)``
Rule = tuple[frozenset[str], bool, bool]


def is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in word)


def keeps(word: str, rule: Rule) -> bool:
    """Whether :func:`~consensus_nlp.tokenize` keeps a token ``word`` under ``rule``.

    A word that starts with an ideograph is dropped only when it is a stopword (it is
    neither whitespace, punctuation nor a number); any other word also when it is
    whitespace, punctuation and symbols (``drop_punct``) or a number (``drop_numbers``).

    Examples:
        >>> [keeps(w, (frozenset({"的"}), True, True)) for w in ["的", "政协", "，", "2021", "GDP"]]
        [False, True, False, False, True]
    """
    stop, drop_punct, drop_numbers = rule
    # comparing whole strings: no 1-character string is made
    if "\u4e00" <= word < "\ua000" or "\u3400" <= word < "\u4dc0":
        return word not in stop
    return not (word.isspace() or word in stop or (drop_punct and not is_han(word[0]) and is_punct(word))
                or (drop_numbers and NUMBER.fullmatch(word) is not None))


def keep_types(types: Sequence[str], rule: Rule, *, min_chars: int = 1) -> np.ndarray:
    """Per type, whether its tokens are kept under ``rule`` and have at least ``min_chars`` characters (a bool array)."""
    import numpy as np

    return np.fromiter((len(w) >= min_chars and keeps(w, rule) for w in types), dtype=bool, count=len(types))


class ShortWords:
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


class Columns:
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
        self.short: ShortWords | None = None  # made on first use (numpy is imported lazily)

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

        Most words are found in :class:`ShortWords` by their code points (numpy
        gathers, no string hashing); the rest (new types, words of more than four
        characters, the cache's collisions) by one dictionary lookup each.
        """
        import numpy as np

        if self.short is None:
            self.short = ShortWords()
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
        rule = self.rule
        self.keep += [keeps(w, rule) for w in self.types[len(self.keep):]]

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
        release_free_memory()

    def extend(self, other: Columns) -> None:
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
        release_free_memory()
        return tuple(self.types), columns[0], columns[1], columns[2], bounds


def release_free_memory() -> None:
    """Give the free pages of the C heap back to the operating system (glibc's ``malloc_trim``).

    Tokenizing keeps a chunk of result columns every ``Columns.FLUSH`` pieces while
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
