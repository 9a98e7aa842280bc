"""Render the example figures of docs/emphasis.md and docs/topics.md (run from the repository root).

    .venv/bin/python docs/img/render_examples.py
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import consensus_nlp as cn  # noqa: E402
from consensus_nlp import plot  # noqa: E402
from consensus_nlp.models.emphasis import emphasis
from consensus_nlp.models.cluster import cluster
from consensus_nlp.models.dictionaries import load_themes  # noqa: E402
from consensus_nlp.models.topics import fit_topics  # noqa: E402
from consensus_nlp.unitize import units  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> None:
    corpus = cn.load_corpus("gansu-cppcc-2021")
    profile = emphasis(cn.tokenize(corpus), by="organization")
    ax = plot.emphasis_heatmap(profile)
    ax.set_title("甘肃省政协凝聚共识发言：主题强调（每千词）")
    ax.figure.savefig(OUT / "emphasis_heatmap.png", dpi=110)

    ax = plot.dendrogram(cluster(profile, method="ward", k=3))
    ax.figure.savefig(OUT / "emphasis_dendrogram.png", dpi=110)

    items = units(corpus, "outline_item")
    matrix = cn.dtm(cn.tokenize(items, stopwords=["function", "boilerplate"], drop_numbers=True))
    themes = load_themes("cppcc")
    seeds = {n: list(themes.entries[n]) for n in ["culture_brand", "proposal_handling", "grassroots_consultation",
                                                   "ideological_guidance"]}
    model = fit_topics(matrix, k=6, seed_words=seeds, random_state=0)
    ax = plot.topic_terms(model, n=8, topics=list(seeds))
    ax.figure.savefig(OUT / "seeded_topic_terms.png", dpi=110)

    gov_reports()


def gov_reports() -> None:
    """Topic shares by decade in the 49 government work reports (paragraphs as units)."""
    root = Path(os.environ.get("CONSENSUS_NLP_SHARED", Path(__file__).resolve().parents[3] / "shared"))
    shared = root / "corpora" / "gov-work-reports-1954-2017"
    corpus = cn.Corpus.from_files(shared, meta_pattern=r"(?P<year>\d{4})政府工作报告_(?P<speaker>[^_.]+)")
    corpus = cn.Corpus(cn.Document(d.doc_id, d.text, {**d.meta, "decade": int(d.meta["year"]) // 10 * 10})
                       for d in corpus)
    tokens = cn.tokenize(units(corpus, "paragraph"), stopwords=["function", "boilerplate"], drop_numbers=True)
    model = fit_topics(cn.dtm(tokens, min_docs=5), k=12, random_state=0)
    ax = plot.topic_shares(model, by="decade", weight_by_length=True)
    ax.set_title("政府工作报告 1954-2017：各年代主题占比")
    ax.figure.savefig(OUT / "gov_topic_shares.png", dpi=110)
    ax = plot.topic_terms(model, n=6)
    ax.figure.savefig(OUT / "gov_topic_terms.png", dpi=90)


if __name__ == "__main__":
    main()
