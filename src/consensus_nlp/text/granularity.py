"""Fine granularity: compounds split into the words a general-purpose segmenter keeps apart.

jieba's dictionary (and our political lexicon) keep compounds such as 社会主义,
经济建设 or 全面深化改革 whole. General-purpose segmenters with smaller
dictionaries (ICU's word boundaries, which quanteda uses) split them: 社会 主义,
经济 建设. To compare counts with analyses made that way, :class:`FineSplitter`
splits a token of at least ``min_chars`` Chinese characters into the most
probable sequence of shorter dictionary words, and those parts in turn — the same unigram model jieba
uses to choose among segmentations, over jieba's own dictionary frequencies —
and keeps the token whole when that sequence would contain a single character
(so 委员会 stays whole: 委员 + 会 is not a split into words).

The split depends only on jieba's ``dict.txt`` (recorded by its sha256 in
``params``), not on the political lexicon: the lexicon is how the coarse
granularity keeps terms whole, and is exactly what the fine one undoes.

Examples:
    >>> splitter = FineSplitter()
    >>> splitter.split("社会主义"), splitter.split("经济建设"), splitter.split("委员会"), splitter.split("发展")
    (['社会', '主义'], ['经济', '建设'], ['委员会'], ['发展'])
"""

from __future__ import annotations

import functools
import hashlib
import math
from pathlib import Path
from typing import Any

from .._zh import is_han

__all__ = ["FineSplitter", "FineEngine", "GRANULARITIES"]

#: ``"coarse"``: the segmenter's words as they come; ``"fine"``: compounds split.
GRANULARITIES = ("coarse", "fine")


class FineSplitter:
    """Split compounds into shorter dictionary words (see the module docstring).

    Args:
        min_chars: tokens shorter than this are never split.
    """

    def __init__(self, *, min_chars: int = 4) -> None:
        self.min_chars = min_chars
        self._freq, self._log_total, _ = _jieba_frequencies()
        self._cache: dict[str, tuple[str, ...]] = {}

    @staticmethod
    def dictionary_sha256() -> str:
        """sha256 of the jieba dictionary whose frequencies choose the splits (for the record)."""
        return _jieba_frequencies()[2]

    def split(self, word: str) -> list[str]:
        """The parts of ``word`` (``[word]`` when it is not split)."""
        return list(self.parts(word))

    def parts(self, word: str) -> tuple[str, ...]:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self._split(word)
        return cached

    def _split(self, word: str) -> tuple[str, ...]:
        n = len(word)
        if n < self.min_chars or not all(is_han(c) for c in word):
            return (word,)
        freq, log_total = self._freq, self._log_total
        # best[i] = (log probability of the best split of word[i:], end of its first part)
        best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            options = []
            for j in range(i + 1, n + 1):
                if j - i == n:  # the whole word is not a split of itself
                    continue
                f = freq.get(word[i:j])
                if f or j == i + 1:
                    options.append((math.log(f or 1) - log_total + best[j][0], j))
            best[i] = max(options)
        parts, i = [], 0
        while i < n:
            j = best[i][1]
            parts.append(word[i:j])
            i = j
        if any(len(p) < 2 for p in parts):
            return (word,)
        # parts that are compounds themselves are split in turn (深化改革 -> 深化 改革)
        return tuple(q for p in parts for q in self.parts(p))


@functools.lru_cache(maxsize=1)
def _jieba_frequencies() -> tuple[dict[str, int], float, str]:
    """Word frequencies of jieba's main dictionary, read once per process (about 0.5 s)."""
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    data = path.read_bytes()
    freq: dict[str, int] = {}
    total = 0
    for line in data.decode("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            count = int(parts[1])
            freq[parts[0]] = count
            total += count
    return freq, math.log(total), hashlib.sha256(data).hexdigest()


class FineEngine:
    """A segmentation engine whose words are split by a :class:`FineSplitter`.

    The parts of a word tile it, so the words still tile the text and every
    offset computation downstream is unchanged.
    """

    def __init__(self, engine: Any, splitter: FineSplitter) -> None:
        self.engine = engine
        self.splitter = splitter

    def cut(self, text: str, hmm: bool) -> list[str]:
        parts = self.splitter.parts
        return [p for w in self.engine.cut(text, hmm) for p in parts(w)]

    def tagger(self) -> Any:
        return self.engine.tagger()
