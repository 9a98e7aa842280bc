"""Tokens of units cut from their parents' tokens: segment a document once, analyse its paragraphs or items.

:func:`unit_tokens` takes the tokens of whole documents and the units made from them
(:func:`consensus_nlp.units`: each unit's ``parent_id``, ``start`` and ``end`` are system
columns of its :class:`~consensus_nlp.docvars.DocVars`) and gives each unit the tokens of
its parent that lie inside it, with offsets into the unit's text. Units end at a line end or
at an outline marker, where no token crosses, so these are the tokens segmenting each unit
by itself gives. Works on the arrays; the vocabulary is shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError, describe
from .tokens import Tokens

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..docvars import DocVars

__all__ = ["unit_tokens"]


def unit_tokens(tokens: Tokens, docvars: DocVars, texts: Sequence[str], *, keep_type: np.ndarray | None = None,
                params: Mapping[str, Any] | None = None) -> Tokens:
    """The tokens of each unit (a row of ``docvars``), cut from its parent document's tokens.

    Args:
        tokens: the tokens of the parent documents (their ``doc_ids`` hold every ``parent_id``).
        docvars: the units' document variables (``corpus.docvars`` of a corpus made by ``units()``).
        texts: the units' texts (``parent.text[start:end]``).
        keep_type: per type of ``tokens``, whether its tokens are kept (default: all); e.g.
            :func:`~consensus_nlp.text.columns.keep_types` with a stopword rule.
        params: the result's ``params`` (default: those of ``tokens``).

    Returns:
        :class:`Tokens` over ``docvars`` (the same object) with offsets into ``texts``.

    Raises:
        InvalidArgumentError: a unit's parent is not among the tokens' documents.
    """
    import numpy as np

    parents, starts, ends = docvars.column("parent_id"), docvars.column("start"), docvars.column("end")
    if keep_type is None:
        keep = np.ones(len(tokens.ids), dtype=bool)
    else:
        keep = keep_type[tokens.ids] if len(tokens.types) else np.zeros(0, dtype=bool)
    position = {doc_id: i for i, doc_id in enumerate(tokens.doc_ids)}
    pieces = []
    for parent_id, s, e in zip(parents.tolist(), starts.tolist(), ends.tolist()):
        parent = position.get(parent_id)
        if parent is None:
            raise InvalidArgumentError(describe("docvars", parent_id, "names a parent document the tokens do not hold",
                                                accepted=list(tokens.doc_ids[:10]),
                                                todo="Pass the tokens of the corpus the units were made from."))
        a, b = int(tokens.bounds[parent]), int(tokens.bounds[parent + 1])
        first, last = a + np.searchsorted(tokens.starts[a:b], [s, e], side="left")
        index = np.arange(first, last, dtype=np.int64)
        pieces.append(index[keep[index] & (tokens.ends[index] <= e)])
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    index = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts.astype(np.int64), lengths)
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return Tokens.from_arrays(docvars, texts, tokens.types, tokens.ids[index], tokens.starts[index] - shift,
                              tokens.ends[index] - shift, bounds, params=tokens.params if params is None else params)
