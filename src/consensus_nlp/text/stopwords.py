"""Named, opt-in stopword lists kept as data files in ``lexicons/stopwords/``.

Two lists ship with the package, each file with a header that says what it
removes and why:

* ``function``: general function words (的 了 和 与 在 是 …); also ``"default"``.
* ``boilerplate``: intensifying adverbs of political prose (进一步 积极 认真 不断 大力 …).

Neither list removes words such as 坚持, 加强 or 人民: in this genre they are
content, not noise. Nothing is removed unless asked for
(``tokenize(corpus, stopwords="function")``).

One standard list comes from a maintained package, for comparisons with general
tools (quanteda, spaCy, other papers):

* ``iso``: the Chinese list of stopwords-iso (794 words), from the ``stopwordsiso``
  package. Besides function words it removes pronouns and light words such as
  我们, 各种 and 要; use it to reproduce analyses that used a standard list, not as a default.

The names are those of ``consensus_nlp.registry.stopwords`` (``registry.toml``); another package
adds a list through the entry-point group ``consensus_nlp.stopwords``: an
:class:`~consensus_nlp.registry.Entry` with a word-per-line file, or a function returning the words.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from .. import registry
from ..errors import InputTypeError, describe

__all__ = ["load_stopwords", "list_stopwords", "stopword_hashes", "iso_words"]


def list_stopwords() -> list[str]:
    """Names of the stopword lists: the files shipped with consensus-nlp, ``"default"`` (the same as
    ``"function"``) and ``"iso"`` (stopwords-iso's Chinese list).

    Examples:
        >>> list_stopwords()
        ['boilerplate', 'default', 'enumeration', 'function', 'iso']
    """
    return sorted(registry.stopwords.names())


def load_stopwords(names: str | Iterable[str] = "default") -> frozenset[str]:
    """Load one or several named stopword lists and return their union.

    Examples:
        >>> "的" in load_stopwords("function"), "坚持" in load_stopwords(["function", "boilerplate"])
        (True, False)

    Args:
        names: a list name (``"function"``, ``"boilerplate"``, ``"default"``) or
            several names.

    Returns:
        The words of all the lists named.

    Raises:
        UnknownNameError: a name is not a known list.
        InputTypeError: ``names`` is neither a str nor an iterable of str.
    """
    words: set[str] = set()
    for name in _names(names):
        words |= _read(name)[0]
    return frozenset(words)


def stopword_hashes(names: str | Iterable[str]) -> dict[str, str]:
    """``{list name: sha256 of its file}`` for the record (:attr:`Tokens.params`)."""
    return {name: _read(name)[1] for name in _names(names)}


def _names(names: str | Iterable[str]) -> list[str]:
    if isinstance(names, str):
        names = [names]
    try:
        items = list(names)
    except TypeError:
        raise InputTypeError(describe("stopwords", names, "is not a list name or names",
                                      accepted="a str such as 'function' or a list of str")) from None
    out: list[str] = []
    for name in items:
        if not isinstance(name, str):
            raise InputTypeError(describe("stopwords", name, "is not a str", accepted=list_stopwords()))
        real = registry.stopwords.get(name).name  # an alias gives the list it stands for
        if real not in out:
            out.append(real)
    return out


@functools.lru_cache(maxsize=None)
def _read(name: str) -> tuple[frozenset[str], str]:
    entry = registry.stopwords.get(name)
    loaded = entry.load()
    if callable(loaded):  # a function returning the words, or the words and the record their hash covers
        result = loaded()
        words, record = result if isinstance(result, tuple) else (frozenset(result), None)
        record = "\n".join(sorted(words)) if record is None else record
        return frozenset(words), hashlib.sha256(record.encode("utf-8")).hexdigest()
    path = Path(loaded)
    lines = path.read_bytes().decode("utf-8").splitlines()
    words = frozenset(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))
    return words, entry.sha256 if entry.files else registry.sha256_file(path)


def iso_words() -> tuple[frozenset[str], str]:
    """stopwords-iso's Chinese list and the record its hash covers (the package version and the sorted words)."""
    from importlib.metadata import version

    import stopwordsiso

    words = frozenset(stopwordsiso.stopwords("zh"))
    return words, "stopwordsiso==" + version("stopwordsiso") + ":zh\n" + "\n".join(sorted(words))
