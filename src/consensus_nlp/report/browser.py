"""The topic browser: a topic's terms ranked by relevance, with a slider for λ, and its passages.

Relevance as in LDAvis (Sievert & Shirley 2014)::

    relevance(w, t | λ) = λ · log p(w|t) + (1 − λ) · log(p(w|t) / p(w))

where ``p(w) = Σ_t p(t) p(w|t)`` and ``p(t)`` is the topic's share of all training tokens
(each unit's topic shares weighted by its length). λ = 1 ranks by probability within the
topic, λ = 0 by lift (words specific to the topic). The page embeds, per topic, only the
terms that reach the top ``n`` for some λ on a grid of 101 values, so the slider shows
exactly what the full vocabulary would give at those λ, in a few kilobytes.

Representative passages are the training units with the highest share of the topic among
the units at least as long as ``min_tokens`` (short units reach shares near 1 on a single
word), cut to ``chars`` characters.
"""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["topic_browser_data", "topic_browser_html", "relevance"]

LAMBDA_GRID = 101


def relevance(model, lam: float):
    """``k x terms`` array of the relevance of every term in every topic of ``model`` at ``lam``."""
    import numpy as np

    p_w, _ = _marginal(model)
    log_tw = np.log(np.clip(model.topic_word_, 1e-300, None))
    return lam * log_tw + (1 - lam) * (log_tw - np.log(np.clip(p_w, 1e-300, None)))


def _marginal(model) -> Any:
    import numpy as np

    lengths = np.asarray(model.doc_lengths, dtype=float)
    if lengths.sum() <= 0:
        lengths = np.ones(len(model.doc_ids))
    p_t = (model.doc_topic_ * lengths[:, None]).sum(axis=0)
    p_t = p_t / p_t.sum()
    return p_t @ model.topic_word_, p_t


def topic_browser_data(model, *, units=None, n_terms: int = 20, n_passages: int = 3, chars: int = 200,
                       min_tokens: int = 10) -> dict[str, Any]:
    """What the browser embeds: candidate terms with log p(w|t), log p(w) and the passages per topic."""
    import numpy as np

    topic_word = np.clip(model.topic_word_, 1e-300, None)
    p_w, p_t = _marginal(model)
    log_tw, log_w = np.log(topic_word), np.log(np.clip(p_w, 1e-300, None))
    if units is not None:
        texts = {d.doc_id: d.text for d in units}
    else:  # the training tokens, when the units' text is not at hand
        texts = {d: " ".join(t) for d, t in zip(model.doc_ids, model.texts or ())}
    lengths = np.asarray(model.doc_lengths)
    floor = min(min_tokens, int(np.median(lengths))) if len(lengths) else 0
    eligible = lengths >= floor
    used: dict[int, int] = {}
    topics = []
    for t, name in enumerate(model.names):
        candidates: set[int] = set()
        for lam in np.linspace(0.0, 1.0, LAMBDA_GRID):
            score = lam * log_tw[t] + (1 - lam) * (log_tw[t] - log_w)
            candidates.update(np.lexsort((np.arange(len(score)), -score))[:n_terms].tolist())
        ordered = sorted(candidates)
        for j in ordered:
            used.setdefault(j, len(used))
        shares = np.where(eligible, model.doc_topic_[:, t], -1.0)
        best = np.lexsort((np.arange(len(shares)), -shares))[:n_passages]
        passages = [{"doc_id": model.doc_ids[i], "share": round(float(shares[i]), 4),
                     "text": _cut(texts.get(model.doc_ids[i], ""), chars)} for i in best if shares[i] >= 0]
        topics.append({"name": str(name), "share": float(p_t[t]),
                       "terms": [[j, round(float(log_tw[t, j]), 5)] for j in ordered], "passages": passages})
    index = sorted(used, key=used.get)
    remap = {j: i for i, j in enumerate(index)}
    for topic in topics:
        topic["terms"] = [[remap[j], v] for j, v in topic["terms"]]
    return {"n": n_terms, "terms": [model.terms[j] for j in index],
            "logp": [round(float(log_w[j]), 5) for j in index], "topics": topics}


def _cut(text: str, chars: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[:chars] + "…"


def _script_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def topic_browser_html(data: dict[str, Any]) -> str:
    """The browser: a topic menu, the λ slider, the term bars (drawn by the page's script) and the passages."""
    options = "".join(f'<option value="{i}">{html.escape(t["name"])} ({100 * t["share"]:.1f}% of tokens)</option>'
                      for i, t in enumerate(data["topics"]))
    passages = []
    for i, topic in enumerate(data["topics"]):
        items = "".join(
            f'<div class="passage"><span class="meta">{html.escape(p["doc_id"])} · share {p["share"]:.2f}</span><br>'
            f'{html.escape(p["text"])}</div>' for p in topic["passages"])
        passages.append(f'<div class="topic" data-topic="{i}"{"" if i == 0 else " hidden"}>'
                        f'<h3>Representative passages of {html.escape(topic["name"])}</h3>{items or "<p>(none)</p>"}</div>')
    return (
        '<div class="card browser">'
        '<div class="controls"><label>Topic <select id="topic-select">' + options + '</select></label>'
        '<label>λ = <output id="topic-lambda-value">0.60</output> '
        '<input id="topic-lambda" type="range" min="0" max="100" step="1" value="60" '
        'aria-label="lambda: 1 ranks terms by probability in the topic, 0 by lift"></label>'
        '<span class="meta">λ = 1: most probable terms; λ = 0: terms most specific to the topic (lift)</span></div>'
        '<noscript><p>The browser needs JavaScript; the table of top terms above holds the terms at λ = 1.</p></noscript>'
        f'<div class="bars" id="topic-terms"></div>{"".join(passages)}'
        f'<script type="application/json" id="topic-data">{_script_json(data)}</script></div>')
