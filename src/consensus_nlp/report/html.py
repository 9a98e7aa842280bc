"""Rendering the analysis as one self-contained HTML page that renders anywhere.

The page needs no network, no file beside it and no font on the reader's machine: it
embeds a subset of Noto Sans CJK SC holding exactly the characters it uses
(:mod:`.fontsubset`), its figures as inline SVG whose text is drawn with that font, its
style sheet and script (``assets/``), and a methods section written from the manifest
(:mod:`.methods`). Tables sort and filter (:mod:`.tables`); topics can be browsed by
relevance (:mod:`.browser`). The same inputs give the same bytes.

Used by :mod:`consensus_nlp.report.analysis`.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .browser import topic_browser_data, topic_browser_html
from .fontsubset import font_face_css, page_codepoints, subset_font
from .methods import NOT_SHOWN, methods_html
from .tables import table_html

__all__ = ["render_report", "highlight", "inline_svg", "TEXT_BUDGET"]

#: Characters of speech text shown in total; past it each speech shows its opening paragraphs
#: (an equal share each), so that the page of a large corpus stays small. Every device is in devices.csv.
TEXT_BUDGET = 150_000

# colours per device kind (outline items are shown as a list, not as marks)
_KIND_STYLE = {
    "formulation": "#fde68a",
    "parallelism": "#bfdbfe",
    "citation": "#fecaca",
    "slogan": "#ddd6fe",
    "quoted": "#e5e7eb",
    "statistic": "#bbf7d0",
}
_PRIORITY = {"formulation": 0, "citation": 1, "slogan": 2, "statistic": 3, "quoted": 4, "parallelism": 5}
_SVG_START = re.compile(r"<svg\b")
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def highlight(text: str, devices: list[Mapping[str, Any]]) -> str:
    """HTML of ``text`` with non-overlapping device spans wrapped in ``<mark>``.

    Where devices overlap, the one with the higher priority (formulation, citation,
    slogan, statistic, quoted phrase, parallelism) and then the earlier start wins;
    outline items are not marked.
    """
    spans = sorted(
        (d for d in devices if d["kind"] in _KIND_STYLE),
        key=lambda d: (_PRIORITY[d["kind"]], d["start"], -(d["end"] - d["start"])),
    )
    chosen: list[Mapping[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for d in spans:
        if all(d["end"] <= s or d["start"] >= e for s, e in taken):
            chosen.append(d)
            taken.append((d["start"], d["end"]))
    chosen.sort(key=lambda d: d["start"])
    parts, pos = [], 0
    for d in chosen:
        parts.append(html.escape(text[pos : d["start"]]))
        title = html.escape(f"{d['kind']}: {d['label']}", quote=True)
        parts.append(
            f'<mark style="background:{_KIND_STYLE[d["kind"]]}" title="{title}">{html.escape(text[d["start"]:d["end"]])}</mark>'
        )
        pos = d["end"]
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def inline_svg(svg: str) -> str:
    """An SVG file's text ready to sit inside HTML: no XML prolog, doctype or metadata block."""
    match = _SVG_START.search(svg)
    if match is None:
        from ..errors import InvalidArgumentError, describe

        raise InvalidArgumentError(describe("svg", svg[:60], "is not an SVG document (no <svg> element)",
                                            accepted="the text of an .svg file written by matplotlib"))
    return _SVG_METADATA.sub("", svg[match.start():]).strip()


def _figure(path: Path, alt: str, caption: str) -> str:
    svg = Path(path).with_suffix(".svg")
    if svg.is_file():
        body = inline_svg(svg.read_text(encoding="utf-8")).replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" ', 1)
    else:  # a PNG only (an older caller): embedded as a data URI
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        body = f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" style="max-width:100%">'
    return (f'<figure class="figure card">{body}<figcaption>{caption} Files: <code>{html.escape(Path(path).stem)}.svg</code>'
            f' (vector) and <code>.png</code>.</figcaption></figure>')


def _paragraphs(text: str, budget: int) -> tuple[list[tuple[int, str]], int]:
    """(start, paragraph) pairs of ``text`` up to ``budget`` characters (the first one cut if longer), and the
    end offset of what is shown (``len(text)`` when all of it is)."""
    chosen, pos, shown = [], 0, 0
    for para in text.split("\n"):
        if shown + len(para) > budget and chosen:
            return chosen, pos
        piece = para if shown + len(para) <= budget else para[: max(budget - shown, 0)]
        chosen.append((pos, piece))
        shown += len(piece)
        if len(piece) < len(para):
            return chosen, pos + len(piece)
        pos += len(para) + 1
    return chosen, len(text)


def _speech_section(doc, dev, out_rows, budget: int) -> str:
    """One speech: ``dev`` and ``out_rows`` are its rows of the devices and outline tables."""
    meta = doc.meta
    heading = " · ".join(str(meta[k]) for k in ("speaker", "position") if k in meta) or doc.doc_id
    title = meta.get("title")
    records = dev[["kind", "label", "start", "end"]].to_dict(orient="records") if len(dev) else []
    items = "".join(
        f'<li style="margin-left:{(int(r.level) - 1) * 1.5}em">{html.escape(str(r.marker))} {html.escape(str(r.headline))}</li>'
        for r in out_rows.itertuples()
    )
    chosen, shown = _paragraphs(doc.text, budget)  # shown: the end offset of the text shown
    paragraphs = []
    for start, para in chosen:
        end = start + len(para)
        local = [{**d, "start": d["start"] - start, "end": d["end"] - start}
                 for d in records if d["start"] >= start and d["end"] <= end]
        paragraphs.append(f"<p>{highlight(para, local)}</p>")
    cut = (f"<p class='meta'>First {shown:,} of {len(doc.text):,} characters shown (the page holds at most "
           f"{TEXT_BUDGET:,} characters of text); every device is in <code>devices.csv</code>.</p>"
           if shown < len(doc.text) else "")
    counts = dev["kind"].value_counts().to_dict() if len(dev) else {}
    count_text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    return (
        f'<div class="speech" id="doc-{html.escape(doc.doc_id)}"><h3>{html.escape(heading)}</h3>'
        + (f"<p><strong>{html.escape(str(title))}</strong></p>" if title else "")
        + f'<p class="meta">{html.escape(doc.doc_id)} · {len(doc.text):,} characters · devices: {html.escape(count_text)}</p>'
        + (f'<details open><summary>Outline</summary><ol class="outline">{items}</ol></details>' if items else "")
        + f'<details open><summary>Text with devices highlighted</summary><div class="body">{"".join(paragraphs)}</div>{cut}</details></div>'
    )


def _speeches(corpus, devices, outline) -> str:
    devices_by_doc = dict(tuple(devices.groupby("doc_id", sort=False))) if len(devices) else {}
    outline_by_doc = dict(tuple(outline.groupby("doc_id", sort=False))) if len(outline) else {}
    total = sum(len(doc.text) for doc in corpus)
    budget = total if total <= TEXT_BUDGET else TEXT_BUDGET // max(len(corpus), 1)
    return "".join(
        _speech_section(doc, devices_by_doc.get(doc.doc_id, devices.iloc[:0]),
                        outline_by_doc.get(doc.doc_id, outline.iloc[:0]), budget)
        for doc in corpus
    )


def _theme_headers(columns, labels: Mapping[str, str]) -> dict[str, str]:
    return {c: f"{html.escape(labels[c])}<small>{html.escape(c)}</small>" for c in columns if labels.get(c)}


def _topic_section(manifest, top_terms, model, units, fig) -> list[str]:
    p = manifest["parameters"]
    coherence = (manifest.get("topic_model") or {}).get("coherence_c_npmi")
    terms = (top_terms.groupby("topic", sort=False)["term"].apply(lambda s: "、".join(s)).rename("top terms").reset_index()
             if len(top_terms) else None)
    parts = [
        "<h2 id='topics'>Topics</h2>",
        f"<p>{p['k']} topics, engine <code>{html.escape(str(p['engine']))}</code>, units: "
        f"{html.escape(str(p['units']))} ({p['n_units']:,} units, {p.get('n_terms', 0):,} terms), seed "
        f"{manifest['random_state']}; c_npmi coherence "
        f"{'not computed' if coherence is None else f'{coherence:.3f}'} (on the training units; with few short units it says little).</p>",
        table_html(terms, table_id="t-topic-terms", max_rows=None, filter_box=False),
    ]
    if model is not None:
        parts += ["<h3>Topic browser</h3>", topic_browser_html(topic_browser_data(model, units=units))]
    parts += [fig("topic_terms", "Top terms of each topic (probability in the topic)."),
              fig("topic_shares", "Mean topic share per group.")]
    return parts


def _keyness_section(keyness, by: str) -> list[str]:
    columns = list(keyness.columns) if keyness is not None else []
    min_count = keyness.attrs.get("min_count") if keyness is not None else None
    notes = [f"Top terms of each {html.escape(by)} group against the rest (signed chi², quanteda's definition)."]
    if min_count is not None:
        notes.append(f"Terms seen fewer than {int(min_count)} times in both sides together were not tested (min_count).")
    if "q" in columns:
        notes.append("<code>q</code>: p adjusted for the number of terms tested; <code>log_ratio</code>: log2 of the "
                     "ratio of the relative frequencies.")
    return ["<h2 id='keyness'>Keyness</h2>", f"<p>{' '.join(notes)}</p>",
            table_html(keyness, table_id="t-keyness", max_rows=200)]


def render_report(*, corpus, tables: Mapping[str, Any], figures: Mapping[str, Path], manifest: Mapping[str, Any], by: str,
                  top_terms, model=None, units=None, theme_labels: Mapping[str, str] | None = None) -> str:
    """The report page as a string.

    Args:
        corpus: the analysed corpus (speeches shown with their devices).
        tables: the tables :func:`~consensus_nlp.report.analyze` wrote (documents, devices, outline, emphasis,
            keyness, clusters…).
        figures: figure name -> PNG path; an SVG of the same name beside it is inlined instead.
        manifest: the run's manifest (its ``timings`` and ``created`` are left out of the page).
        by: the grouping field.
        top_terms: the topic model's top terms table.
        model: the fitted :class:`~consensus_nlp.TopicModel`, for the topic browser (left out when ``None``).
        units: the units the model was trained on, for the browser's passages.
        theme_labels: theme name -> its label (Chinese) from the theme file.
    """
    labels = dict(theme_labels or {})
    devices, outline = tables["devices"], tables["outline"]
    device_counts = devices.groupby(["kind"]).size().rename("count").reset_index() if len(devices) else None
    emphasis = tables["emphasis"]
    meeting = corpus.meta.get("meeting") if corpus.meta else None
    legend = "".join(f'<span style="background:{c}">{k}</span>' for k, c in _KIND_STYLE.items())

    def fig(name: str, caption: str, missing: str = "") -> str:
        return _figure(figures[name], name, caption) if name in figures else missing

    toc = "".join(f"<a href='#{a}'>{t}</a>" for a, t in (
        ("corpus", "Corpus"), ("devices", "Framing devices"), ("speeches", "Speeches"), ("emphasis", "Emphasis"),
        ("topics", "Topics"), ("clusters", "Clustering"), ("keyness", "Keyness"), ("methods", "Methods"),
        ("manifest", "Manifest")))
    shown_manifest = {k: v for k, v in manifest.items() if k not in NOT_SHOWN}
    sections = [
        "<h1>consensus-nlp report</h1>",
        f"<p class='meta'>{html.escape(str(meeting)) + ' · ' if meeting else ''}{len(corpus)} documents, "
        f"{sum(len(d.text) for d in corpus):,} characters, groups by <code>{html.escape(by)}</code></p>",
        f"<nav class='toc'>{toc}</nav>",
        "<h2 id='corpus'>Corpus</h2>",
        table_html(tables["documents"], table_id="t-documents", max_rows=200),
        "<h2 id='devices'>Framing devices</h2>",
        f"<p class='legend'>{legend}</p>",
        table_html(device_counts, table_id="t-device-counts", max_rows=None, filter_box=False),
        "<h2 id='speeches'>Speeches</h2>",
        _speeches(corpus, devices, outline),
        f"<h2 id='emphasis'>Emphasis by {html.escape(by)}</h2>",
        "<p>Theme hits per 1,000 tokens; each column is a theme of the dictionary (its label, then its name).</p>",
        fig("emphasis_heatmap", "Theme hits per 1,000 tokens of each group."),
        table_html(emphasis, table_id="t-emphasis", max_rows=200, headers=_theme_headers(emphasis.columns, labels)),
        *_topic_section(manifest, top_terms, model, units, fig),
        "<h2 id='clusters'>Clustering of groups by emphasis</h2>",
        fig("dendrogram", "Ward clustering of the groups' emphasis profiles.",
            "<p><em>Fewer than three groups, or identical profiles: no clustering.</em></p>"),
        table_html(tables.get("clusters"), table_id="t-clusters", max_rows=200),
        *_keyness_section(tables.get("keyness"), by),
        "<h2 id='methods'>Methods</h2>",
        methods_html(manifest, by=by, n_themes=max(len(emphasis.columns) - 1, 0),
                     keyness_columns=list(getattr(tables.get("keyness"), "columns", []))),
        "<h2 id='manifest'>Manifest</h2>",
        "<details><summary>manifest.json (without the run's timings and date)</summary>"
        f"<pre>{html.escape(json.dumps(shown_manifest, ensure_ascii=False, indent=2))}</pre></details>",
    ]
    return _page("\n".join(sections))


def _page(body: str) -> str:
    """The whole document: the body, the style sheet with the embedded font subset, the script."""
    css, script = _asset("report.css"), _asset("report.js")
    head = ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>consensus-nlp report</title>")
    tail = f"<script>{script}</script></body></html>\n"
    without_font = head + f"<style>{css}</style></head><body>" + body + tail
    font = font_face_css(subset_font(page_codepoints(without_font)))
    return head + f"<style>{font}\n{css}</style></head><body>" + body + tail
