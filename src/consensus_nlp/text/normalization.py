"""Normalization of Chinese text with an offset map back to the source.

:func:`normalize` folds full-width letters, digits and word-internal symbols to
half-width, applies Unicode NFKC where it is safe (PDF extraction leaves Kangxi
radicals such as ``⼀`` for ``一``, compatibility ideographs, circled digits,
ligatures), maps CJK radical code points to the ideographs they stand for
(``⺠`` for ``民``, which NFKC leaves; table ``lexicons/radicals.tsv`` from
Unicode's EquivalentUnifiedIdeograph.txt) and, when asked and OpenCC is installed, converts traditional to
simplified characters.

NFKC can change the length of the text (``㈠`` becomes ``(一)``, ``ﬁ`` becomes
``fi``), so the result is a :class:`NormalizedText`: the normalized string plus
an offset map. :meth:`NormalizedText.source_span` turns a span of the
normalized text into the span of the original text it came from, so token
offsets always point into the text the user gave.

What "safe" means here: normalization works on clusters (a character with the
combining marks that follow it). A cluster is replaced by its NFKC form unless
that form is longer and the cluster is punctuation (``…`` would become ``...``,
three tokens instead of one), the form brings a space where there was none or
starts with a combining mark (spacing accents such as ``¨``), or the cluster is
full-width Chinese punctuation (``，：；（）！？``), which is the ordinary
punctuation of Chinese text, not a width variant. Because clusters are
normalized one at a time, sequences that NFKC composes across clusters
(conjoining Hangul jamo) are left as they are. A cluster holds at most 32
characters (a letter with hundreds of combining marks is cut into clusters of
32), so normalization takes linear time on any input.

A lone surrogate code point (``"\udc80"``: half of a UTF-16 pair, as left by
``errors="surrogateescape"`` decoding) becomes U+FFFD, the replacement character,
of the same length: offsets are kept and no segmentation engine sees it.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .._zh import radical_table
from ..errors import InputTypeError, MissingDependencyError, check_bool, check_int, describe

__all__ = ["NormalizedText", "normalize", "normalize_str", "normalize_same_length", "normalize_joined",
           "build_tables"]

# Width folding: full-width letters and digits, the full-width symbols that jieba
# keeps inside words (% . + # & _ -) and the ideographic space.
_WIDTH_FOLD = (
    "".join(chr(c) for c in range(0xFF10, 0xFF1A))
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))
    + "％．＋＃＆＿－\u3000"
)
_WIDTH_TABLE: dict[str, str] = {ch: (" " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)) for ch in _WIDTH_FOLD}
_KEEP = frozenset(chr(c) for c in range(0xFF01, 0xFF5F)) - set(_WIDTH_FOLD)
_WIDTH_RE = re.compile(f"[{re.escape(_WIDTH_FOLD)}]+")
_WIDTH_ORDINALS = {ord(k): v for k, v in _WIDTH_TABLE.items()}
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_CLUSTER = 32  # a character and at most 31 combining marks are normalized together (linear time)


@dataclass(frozen=True)
class NormalizedText:
    """A normalized string and the map from its offsets to the source's.

    Attributes:
        text: the normalized text.
        source: the original text.
    """

    text: str
    source: str
    # clusters whose length changed: sorted normalized starts, and (norm_len, src_start, src_len)
    _norm_starts: tuple[int, ...] = ()
    _changes: tuple[tuple[int, int, int], ...] = ()

    def __str__(self) -> str:
        return self.text

    def __len__(self) -> int:
        return len(self.text)

    @property
    def changed(self) -> bool:
        """Whether normalization changed anything."""
        return self.text != self.source

    @property
    def same_length(self) -> bool:
        """Whether every offset of :attr:`text` is also an offset of :attr:`source`."""
        return not self._changes

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of :attr:`source` that ``text[start:end]`` came from.

        A span that starts or ends inside an expanded cluster is widened to the
        whole cluster (``(`` of ``(一)`` maps to the span of ``㈠``).

        Args:
            start: start offset in :attr:`text`.
            end: end offset in :attr:`text` (exclusive), ``end >= start`` (an empty span gives where it stands in the source).

        Returns:
            ``(source_start, source_end)``.
        """
        if type(start) is not int or type(end) is not int or not 0 <= start <= end <= len(self.text):  # noqa: E721
            check_int("start", start, minimum=0, maximum=len(self.text))  # refused with a message
            check_int("end", end, minimum=start, maximum=len(self.text))
        if not self._changes:
            return start, end
        if start == end:  # an empty span: where it stands in the source
            at = len(self.source) if start == len(self.text) else self._map(start, False)
            return at, at
        return self._map(start, False), self._map(end - 1, True)

    def _map(self, pos: int, as_end: bool) -> int:
        i = bisect.bisect_right(self._norm_starts, pos) - 1
        if i < 0:
            return pos + 1 if as_end else pos
        nstart = self._norm_starts[i]
        nlen, sstart, slen = self._changes[i]
        if pos < nstart + nlen:  # inside a changed cluster
            return sstart + slen if as_end else sstart
        shifted = pos + (sstart + slen) - (nstart + nlen)
        return shifted + 1 if as_end else shifted



def normalize(text: str, *, width: bool = True, nfkc: bool = True, traditional: bool = False) -> NormalizedText:
    """Normalize ``text`` and keep a map back to its offsets.

    Examples:
        >>> n = normalize("２０２１年，㈠")
        >>> n.text, n.source_span(6, 9)
        ('2021年，(一)', (6, 7))

    Args:
        text: the text to normalize.
        width: fold full-width letters, digits, the symbols ``％．＋＃＆＿－`` and
            the ideographic space to half-width; other full-width punctuation
            (``，：；（）``) is Chinese punctuation and is kept.
        nfkc: apply NFKC where safe (see the module documentation); includes
            the width folding.
        traditional: convert traditional to simplified characters with OpenCC
            (``t2s``); needs the optional package ``opencc``.

    Returns:
        A :class:`NormalizedText`.

    Raises:
        InputTypeError: ``text`` is not a ``str``.
        MissingDependencyError: ``traditional=True`` and OpenCC is not installed.
    """
    if not isinstance(text, str):
        raise InputTypeError(describe("text", text, "is not a str", accepted="str",
                                      todo="Decode bytes first (consensus_nlp.textio.decode)."))
    width, nfkc, traditional = check_bool("width", width), check_bool("nfkc", nfkc), check_bool("traditional", traditional)
    norm_starts: list[int] = []
    changes: list[tuple[int, int, int]] = []
    if nfkc:
        out = _nfkc(text, norm_starts, changes)
    elif width:
        out = _WIDTH_RE.sub(_fold_width, text)
    else:
        out = text
    if traditional:
        out = _to_simplified(out)
    return NormalizedText(out, text, tuple(norm_starts), tuple(changes))


def _fold_width(match: re.Match[str]) -> str:
    return "".join(_WIDTH_TABLE[ch] for ch in match.group())


def normalize_str(text: str, *, traditional: bool = False) -> str:
    """The text of ``normalize(text, traditional=traditional)``, without the offset map (faster)."""
    out = _nfkc(text, None, None)
    return _to_simplified(out) if traditional else out


def normalize_same_length(text: str, *, traditional: bool = False) -> str | None:
    """The text of ``normalize(text, traditional=traditional)`` when it keeps every offset, else ``None``.

    The fast path of segmentation: no offset map is built.
    """
    candidates = _candidates_re()
    if candidates.search(text) is None:
        out = text
    else:
        out = text.translate(_WIDTH_ORDINALS)  # the common case: only full-width digits and letters
        if candidates.search(out) is not None:
            changes: list[tuple[int, int, int]] = []
            out = _nfkc(text, [], changes)
            if changes:
                return None
    return _to_simplified(out) if traditional else out


def normalize_joined(texts: Sequence[str], *, traditional: bool = False) -> tuple[str, list[int]]:
    """The texts normalized and joined by line breaks, and the indices of the texts whose
    normalization changes their length (:func:`normalize_same_length` gives ``None``;
    they stand in the string as given).

    Every text keeps its place: text ``i`` starts at ``sum(len(t) + 1 for t in texts[:i])``.
    The texts are looked at together as one array of code points: which of them
    hold a character normalization may change, and the full-width folding, are
    two table look-ups in numpy instead of a regular-expression scan and a
    ``str.translate`` per text. Texts that hold a character the width folding
    does not settle (People's Daily 1998: 21 of 19,484 paragraphs) go through
    :func:`normalize_same_length` one by one, so the results are the same.
    """
    import numpy as np

    if traditional or not texts:
        norms = [normalize_same_length(t, traditional=traditional) for t in texts]
        return ("\n".join(t if n is None else n for t, n in zip(texts, norms)),
                [i for i, n in enumerate(norms) if n is None])
    fold, unstable = _code_tables()
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bmp = np.minimum(codes, 0xFFFF)  # U+FFFF and everything above it count as unstable
    if not unstable[bmp].any():
        return joined, []
    folded = fold[bmp]
    left = unstable[folded]  # characters the width folding does not settle
    changed: list[int] = []
    if left.any():
        sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(sizes + 1) - 1
        prefix = np.concatenate(([0], np.cumsum(left)))
        for i in np.flatnonzero(prefix[ends] - prefix[ends - sizes]).tolist():
            a = int(ends[i]) - len(texts[i])
            norm = normalize_same_length(texts[i])
            if norm is None:
                changed.append(i)
                folded[a:a + len(texts[i])] = codes[a:a + len(texts[i])]
            else:
                folded[a:a + len(norm)] = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return folded.tobytes().decode("utf-32-le", "surrogatepass"), changed


def build_tables() -> None:
    """Build the character tables of :func:`normalize_joined` now: they take about 0.1 s,
    once per process (before forking workers, so that they inherit them)."""
    _code_tables()


@functools.lru_cache(maxsize=1)
def _code_tables() -> tuple[Any, Any]:
    """For the code points U+0000..U+FFFF: the full-width folding (``_WIDTH_TABLE``) as a
    ``uint32`` array, and whether normalization may change the character (the
    complement of :func:`_stable_code_points`) as a ``bool`` array."""
    import numpy as np

    fold = np.arange(0x10000, dtype=np.uint32)
    for ch, new in _WIDTH_TABLE.items():
        fold[ord(ch)] = ord(new)
    unstable = np.ones(0x10000, dtype=bool)
    unstable[list(_stable_code_points())] = False
    return fold, unstable


def _nfkc(text: str, norm_starts: list[int] | None, changes: list[tuple[int, int, int]] | None) -> str:
    pieces: list[str] = []
    shift = 0  # len(normalized so far) - len(source so far)
    last = 0  # end of the source consumed into pieces
    done = 0  # end of the last cluster looked at
    n = len(text)
    for run in _candidates_re().finditer(text):
        i, run_end = run.span()
        if i >= done:
            simple = _map_run(run.group())
            if simple is not None and (run_end == n or not unicodedata.combining(text[run_end])):
                if simple != run.group():
                    pieces.append(text[last:i])
                    pieces.append(simple)
                    last = run_end
                done = run_end
                continue
        i = max(i, done)
        while i < run_end:
            e = i + 1
            if unicodedata.combining(text[i]) and i > done:
                i -= 1  # a combining mark joins the character before it
            while e < n and e - i < _MAX_CLUSTER and unicodedata.combining(text[e]):
                e += 1
            cluster = text[i:e]
            new = _safe_nfkc(cluster)
            if new != cluster:
                pieces.append(text[last:i])
                if len(new) != len(cluster) and changes is not None and norm_starts is not None:
                    norm_starts.append(i + shift)
                    changes.append((len(new), i, len(cluster)))
                shift += len(new) - len(cluster)
                pieces.append(new)
                last = e
            i = done = e
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


@functools.lru_cache(maxsize=65536)
def _map_run(run: str) -> str | None:
    """``run`` with every character mapped one to one, or ``None`` if some character
    needs the cluster treatment (a combining mark, an expansion)."""
    out = []
    for ch in run:
        if unicodedata.combining(ch):
            return None
        new = _safe_nfkc(ch)
        if len(new) != 1:
            return None
        out.append(new)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _safe_nfkc(cluster: str) -> str:
    if _SURROGATE.search(cluster):
        return _SURROGATE.sub("\ufffd", cluster)  # a lone surrogate (broken UTF-16) cannot be segmented or encoded
    if cluster in _KEEP:
        return cluster
    if cluster in _WIDTH_TABLE:
        return _WIDTH_TABLE[cluster]
    radical = radical_table().get(cluster)
    if radical is not None:
        return radical  # ⺠ -> 民: NFKC maps the Kangxi block, not the supplement
    new = unicodedata.normalize("NFKC", cluster)
    if new == cluster or not new:
        return cluster
    if unicodedata.combining(new[0]) and not unicodedata.combining(cluster[0]):
        return cluster  # a spacing accent would become a bare combining mark
    if not cluster.isspace() and any(ch.isspace() for ch in new):
        return cluster  # "¨" -> " \u0308": a space appears where there was none
    if len(new) > len(cluster) and unicodedata.category(cluster[0]).startswith("P"):
        return cluster  # "…" -> "...": one punctuation mark would become several
    return new


@functools.lru_cache(maxsize=1)
def _stable_code_points() -> tuple[int, ...]:
    """The code points of the Basic Multilingual Plane that normalization leaves
    alone wherever they stand: not a combining mark, and :func:`_safe_nfkc` maps
    the character to itself (``·``, ``×``, ``●``; not ``①``, ``℃``, ``２``).
    U+FFFF, a noncharacter, is left out so that :func:`normalize_joined` can let it
    stand for every code point above it. Computed once per process (about 0.1 s)."""
    safe, changed, combining = _safe_nfkc.__wrapped__, set(_WIDTH_TABLE) | set(radical_table()), unicodedata.combining
    quick = functools.partial(unicodedata.is_normalized, "NFKC")  # most characters: NFKC leaves them alone
    return tuple(cp for cp in range(0xFFFF)
                 if not 0xD800 <= cp <= 0xDFFF and not combining(ch := chr(cp))
                 and (quick(ch) and ch not in changed or safe(ch) == ch))


@functools.lru_cache(maxsize=1)
def _candidates_re() -> re.Pattern[str]:
    """Runs of characters that normalization may change: everything outside
    :func:`_stable_code_points`."""
    return re.compile(f"[^{_char_class(_stable_code_points())}]+")


def _char_class(code_points: Iterable[int]) -> str:
    ranges: list[list[int]] = []
    for cp in sorted(code_points):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


@functools.lru_cache(maxsize=1)
def _opencc():
    try:
        import opencc  # type: ignore[import-not-found]
    except ImportError:
        raise MissingDependencyError(
            describe("traditional", True, "needs the optional package 'opencc', which is not installed",
                     accepted="traditional=False",
                     todo="Install it with `pip install 'consensus-nlp[opencc]'` or convert the text beforehand.")
        ) from None
    try:
        return opencc.OpenCC("t2s")
    except Exception:  # the pure-Python package names configs with ".json"
        return opencc.OpenCC("t2s.json")


def _to_simplified(text: str) -> str:
    """Traditional -> simplified, keeping the length (offsets stay valid)."""
    converter = _opencc()
    out = converter.convert(text)
    if len(out) == len(text):
        return out
    # phrase conversions changed the length: fall back to one character at a time
    chars = []
    for ch in text:
        new = converter.convert(ch)
        chars.append(new if len(new) == 1 else ch)
    return "".join(chars)
