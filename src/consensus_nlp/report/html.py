"""Rendering the analysis as one self-contained HTML page (figures embedded as data URIs).

Used by :mod:`consensus_nlp.report`; the page needs no network and no files beside it.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["render_report", "highlight"]

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

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2937;line-height:1.7}
h1{font-size:1.6em;border-bottom:2px solid #b91c1c;padding-bottom:.3em}h2{margin-top:2em;color:#7f1d1d}
table{border-collapse:collapse;font-size:.88em;margin:.5em 0}th,td{border:1px solid #d1d5db;padding:.25em .5em;text-align:left}
th{background:#f3f4f6}img{max-width:100%;border:1px solid #e5e7eb}
.speech{border:1px solid #e5e7eb;border-radius:6px;padding:.5em 1em;margin:1em 0}
.meta{color:#4b5563;font-size:.9em}.outline li{margin:.1em 0}.body p{margin:.4em 0}
mark{padding:0 1px;border-radius:2px}.legend span{padding:0 .4em;margin-right:.6em;border-radius:2px}
pre{background:#f9fafb;padding:1em;overflow:auto;font-size:.8em}
"""


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


def _number(value: float | None) -> str:
    return "not computed" if value is None else f"{value:.3f}"


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(df, *, max_rows: int = 60) -> str:
    if df is None or len(df) == 0:
        return "<p><em>(empty)</em></p>"
    shown = df.head(max_rows).copy()
    shown.columns.name = None
    note = f"<p class='meta'>first {max_rows} of {len(df)} rows; all rows in the CSV file</p>" if len(df) > max_rows else ""
    return shown.to_html(index=False, escape=True, float_format=lambda x: f"{x:.3g}", border=0) + note


def _speech_section(doc, dev, out_rows) -> str:
    """One speech: ``dev`` and ``out_rows`` are its rows of the devices and outline tables."""
    meta = doc.meta
    heading = " · ".join(str(meta[k]) for k in ("speaker", "position") if k in meta) or doc.doc_id
    title = meta.get("title")
    records = dev[["kind", "label", "start", "end"]].to_dict(orient="records") if len(dev) else []
    items = "".join(
        f'<li style="margin-left:{(int(r.level) - 1) * 1.5}em">{html.escape(str(r.marker))} {html.escape(str(r.headline))}</li>'
        for r in out_rows.itertuples()
    )
    paragraphs, pos = [], 0
    for para in doc.text.split("\n"):
        start, end = pos, pos + len(para)
        local = [
            {**d, "start": d["start"] - start, "end": d["end"] - start}
            for d in records
            if d["start"] >= start and d["end"] <= end
        ]
        paragraphs.append(f"<p>{highlight(para, local)}</p>")
        pos = end + 1
    counts = dev["kind"].value_counts().to_dict() if len(dev) else {}
    count_text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    return (
        f'<div class="speech" id="{html.escape(doc.doc_id)}"><h3>{html.escape(heading)}</h3>'
        + (f"<p><strong>{html.escape(str(title))}</strong></p>" if title else "")
        + f'<p class="meta">{html.escape(doc.doc_id)} · {len(doc.text)} characters · devices: {html.escape(count_text)}</p>'
        + (f'<details open><summary>Outline</summary><ol class="outline" style="list-style:none">{items}</ol></details>' if items else "")
        + f'<details open><summary>Text with devices highlighted</summary><div class="body">{"".join(paragraphs)}</div></details></div>'
    )


def render_report(*, corpus, tables: Mapping[str, Any], figures: Mapping[str, Path], manifest: Mapping[str, Any], by: str,
                  top_terms) -> str:
    """The report page as a string."""
    legend = "".join(f'<span style="background:{c}">{k}</span>' for k, c in _KIND_STYLE.items())
    devices, outline = tables["devices"], tables["outline"]
    devices_by_doc = dict(tuple(devices.groupby("doc_id", sort=False))) if len(devices) else {}
    outline_by_doc = dict(tuple(outline.groupby("doc_id", sort=False))) if len(outline) else {}
    speeches = "".join(
        _speech_section(doc, devices_by_doc.get(doc.doc_id, devices.iloc[:0]), outline_by_doc.get(doc.doc_id, outline.iloc[:0]))
        for doc in corpus
    )
    device_counts = (
        tables["devices"].groupby(["kind"]).size().rename("count").reset_index() if len(tables["devices"]) else None
    )
    terms = (
        top_terms.groupby("topic", sort=False)["term"].apply(lambda s: "、".join(s)).rename("top terms").reset_index()
        if len(top_terms) else None
    )
    meeting = corpus.meta.get("meeting") if corpus.meta else None
    fig = {name: _img(path, name) for name, path in figures.items()}
    sections = [
        f"<h1>consensus-nlp report</h1><p class='meta'>{html.escape(str(meeting) if meeting else '')}</p>",
        "<h2>Corpus</h2>",
        _table(tables["documents"]),
        "<h2>Framing devices</h2>",
        f"<p class='legend'>{legend}</p>",
        _table(device_counts),
        "<h2>Speeches</h2>",
        speeches,
        f"<h2>Emphasis by {html.escape(by)}</h2>",
        "<p>Theme hits per 1,000 tokens (theme dictionaries: see the manifest for their hashes).</p>",
        fig.get("emphasis_heatmap", ""),
        _table(tables["emphasis"]),
        "<h2>Topics</h2>",
        f"<p>{manifest['parameters']['k']} topics, engine {html.escape(manifest['parameters']['engine'])}, "
        f"units: {html.escape(manifest['parameters']['units'])} ({manifest['parameters']['n_units']} units), "
        f"seed {manifest['random_state']}; c_npmi coherence {_number(manifest['topic_model']['coherence_c_npmi'])} "
        "(computed on the training units; with few short units it says little).</p>",
        _table(terms),
        fig.get("topic_terms", ""),
        fig.get("topic_shares", ""),
        "<h2>Clustering of groups by emphasis</h2>",
        fig.get("dendrogram", "<p><em>Fewer than three groups: no clustering.</em></p>"),
        _table(tables.get("clusters")),
        "<h2>Keyness</h2>",
        f"<p>Top terms of each {html.escape(by)} against the rest (chi², quanteda's definition).</p>",
        _table(tables["keyness"], max_rows=80),
        "<h2>Manifest</h2>",
        f"<pre>{html.escape(json.dumps(manifest, ensure_ascii=False, indent=2))}</pre>",
    ]
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>consensus-nlp report</title><style>{_CSS}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>\n"
    )
