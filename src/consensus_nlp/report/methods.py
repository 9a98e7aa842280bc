"""The report's methods section: the manifest told in prose, stage by stage.

Every sentence is built from ``manifest.json`` (parameters, resource hashes, versions,
seed), so the text cannot drift from what was run. Parameters this module does not know
(a stage added later) are listed at the end of their stage rather than left out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

__all__ = ["methods_html", "NOT_SHOWN"]

#: Manifest entries that change on every run; left out of the page so that the page is
#: byte-identical for the same input (they stay in manifest.json).
NOT_SHOWN = ("timings", "created")

_KNOWN_PARAMETERS = {
    "units", "k", "engine", "random_state", "themes", "by", "meta_pattern", "text_column", "stopwords",
    "topic_stopwords", "topic_min_chars", "min_docs", "n_units", "n_terms",
}


def _e(value: Any) -> str:
    return html.escape(str(value))


def _code(value: Any) -> str:
    return f"<code>{_e(value)}</code>"


def _hash(value: Any) -> str:
    return f"<code title='{_e(value)}'>{_e(str(value)[:12])}</code>" if value else "(no hash)"


def _listing(values) -> str:
    values = [str(v) for v in values]
    if not values:
        return "none"
    return ", ".join(values[:-1]) + (" and " if len(values) > 1 else "") + values[-1]


def _resources(manifest: Mapping[str, Any], prefix: str) -> str:
    found = {k: v for k, v in (manifest.get("resources") or {}).items() if k.startswith(prefix) and not k.endswith(".md")}
    return _listing(f"{_code(k)} (sha256 {_hash(v)})" for k, v in sorted(found.items())) if found else ""


def _input(manifest: Mapping[str, Any]) -> str:
    info = manifest.get("input") or {}
    kind = info.get("kind", "input")
    where = (f"the bundled corpus {_code(info.get('name'))}" if kind == "bundled"
             else f"{_e(kind)} {_listing(_code(p) for p in info.get('paths', []))}")
    params = manifest.get("parameters") or {}
    column = f", text column {_code(params['text_column'])}" if kind in ("csv", "jsonl", "tsv", "parquet") else ""
    pattern = f", metadata from file names with {_code(params['meta_pattern'])}" if params.get("meta_pattern") else ""
    return (f"<p><strong>Input.</strong> {info.get('documents', '?')} documents were read from {where}{column}{pattern} "
            f"(sha256 of the bytes read: {_hash(info.get('sha256'))}).</p>")


def _segmentation(manifest: Mapping[str, Any]) -> str:
    tokens = manifest.get("tokens") or {}
    norm = tokens.get("normalize") or {}
    steps = [name for key, name in (("width", "full-width to half-width"), ("nfkc", "Unicode NFKC"),
                                    ("traditional", "traditional to simplified characters")) if norm.get(key)]
    stop = tokens.get("stopwords") or {}
    stop_text = _listing(f"{_code(k)} (sha256 {_hash(v)})" for k, v in stop.items()) if isinstance(stop, Mapping) else _e(stop)
    users = tokens.get("user_words") or []
    drops = [name for key, name in (("drop_punct", "punctuation"), ("drop_numbers", "numbers")) if tokens.get(key)]
    return (
        f"<p><strong>Segmentation.</strong> Texts were normalized ({_e(_listing(steps))}; offsets still refer to the "
        f"original text) and segmented into words with {_code(tokens.get('backend', '?'))} "
        f"({'with' if tokens.get('hmm') else 'without'} its HMM for words outside the dictionary), using the "
        f"{_code(tokens.get('lexicon', 'no'))} lexicon (sha256 {_hash(tokens.get('lexicon_sha256'))})"
        f"{f' and {len(users)} user words' if users else ''}. Stopword lists removed: {stop_text}; "
        f"also removed: {_e(_listing(drops))}.</p>")


def _devices(manifest: Mapping[str, Any]) -> str:
    rules = _resources(manifest, "devices/data/")
    return ("<p><strong>Framing devices.</strong> Outline items (一是…二是…, 一、二、), official formulations, "
            "parallelism, citations of leaders and documents, slogans, quoted phrases and statistics were tagged "
            f"by rules kept as data: {rules or 'the bundled rules'}. Each device keeps its character offsets in the "
            "original text; where devices overlap, the text below marks one of them.</p>")


def _emphasis(manifest: Mapping[str, Any], by: str, n_themes: int | None) -> str:
    params = manifest.get("parameters") or {}
    themes = params.get("themes", "cppcc")
    resource = _resources(manifest, f"lexicons/themes/{themes}.") or _code(themes)
    user = (manifest.get("input") or {}).get("themes_sha256") or params.get("themes_sha256")
    count = f"{n_themes} themes" if n_themes else "the themes"
    return (f"<p><strong>Emphasis.</strong> The theme dictionary {resource}{f' (sha256 {_hash(user)})' if user else ''} "
            f"defines {count}, each a list of exact words, globs, regular expressions and word sequences. A token "
            f"counts once for a theme (a sequence entry counts once and its tokens not again); emphasis is the "
            f"number of hits per 1,000 tokens of each {_code(by)} group, after the stopwords above were removed. "
            "When there were at least three groups and their profiles differed, the groups were clustered by Ward "
            "linkage on these rates.</p>")


def _topics(manifest: Mapping[str, Any]) -> str:
    p = manifest.get("parameters") or {}
    coherence = (manifest.get("topic_model") or {}).get("coherence_c_npmi")
    coherence_text = (f"The c_npmi coherence of the topics' top 10 terms on the training units is {coherence:.3f}."
                      if isinstance(coherence, (int, float)) else "Coherence was not computed (too little text).")
    return (
        f"<p><strong>Topics.</strong> The documents were cut into {p.get('n_units', '?')} units of type "
        f"{_code(p.get('units', '?'))}. Their tokens lost the stopword lists {_e(_listing(p.get('topic_stopwords', [])))}, "
        f"numbers, and words shorter than {p.get('topic_min_chars', '?')} characters; terms found in fewer than "
        f"{p.get('min_docs', '?')} units were dropped, leaving {p.get('n_terms', '?')} terms. A topic model with "
        f"k = {p.get('k', '?')} topics was fitted with the {_code(p.get('engine', '?'))} engine, random seed "
        f"{manifest.get('random_state', p.get('random_state', '?'))}. {coherence_text} The topic browser ranks terms "
        "by relevance (Sievert &amp; Shirley 2014) and shows the units with the highest share of each topic.</p>")


def _keyness(manifest: Mapping[str, Any], by: str, keyness_columns) -> str:
    p = manifest.get("parameters") or {}
    min_count = p.get("keyness_min_count", p.get("min_count"))
    extra = []
    if min_count is not None:
        extra.append(f"terms seen fewer than {min_count} times in the two sides together were not tested")
    if "q" in keyness_columns:
        adjust = p.get("keyness_adjust", "fdr_bh")
        extra.append(f"<code>q</code> is <code>p</code> adjusted for the number of terms tested ({_e(adjust)})")
    if "log_ratio" in keyness_columns:
        extra.append("<code>log_ratio</code> is Hardie's effect size (log2 of the ratio of relative frequencies)")
    return (f"<p><strong>Keyness.</strong> For each {_code(by)} group, every term of the group's documents was compared "
            "with all other documents by the signed chi² statistic with quanteda's default continuity correction "
            "(Yates' rule where an expected count is below 5), as quanteda's "
            f"<code>textstat_keyness</code> computes it; the ten highest statistics are shown"
            f"{'; ' + '; '.join(extra) if extra else ''}.</p>")


def _software(manifest: Mapping[str, Any]) -> str:
    deps = manifest.get("dependencies") or {}
    versions = _listing(f"{_e(k)} {_e(v)}" for k, v in deps.items() if v)
    command = manifest.get("command")
    command_text = f" The command was {_code(' '.join(command))}." if command else ""
    return (f"<p><strong>Software.</strong> consensus-nlp {_e(manifest.get('consensus_nlp', '?'))} on Python "
            f"{_e(manifest.get('python', '?'))} ({_e(manifest.get('platform', '?'))}), with {versions}.{command_text} "
            "Every table and figure written is listed with its sha256 in <code>manifest.json</code>; the same input, "
            "parameters and seed give byte-identical tables, figures and page.</p>")


def _other(manifest: Mapping[str, Any]) -> str:
    params = manifest.get("parameters") or {}
    rest = {k: v for k, v in params.items() if k not in _KNOWN_PARAMETERS and not k.startswith("keyness_")
            and k not in ("min_count", "themes_sha256")}
    stages = manifest.get("stages")
    parts = []
    if rest:
        parts.append("Other parameters: " + _listing(f"{_code(k)} = {_code(v)}" for k, v in rest.items()) + ".")
    if isinstance(stages, Mapping):
        for stage, spec in stages.items():
            if isinstance(spec, Mapping) and spec:
                shown = {k: v for k, v in spec.items() if k not in ("seconds", "timing")}
                parts.append(f"Stage {_code(stage)}: " + _listing(f"{_code(k)} = {_code(v)}" for k, v in shown.items()) + ".")
    return f"<p>{' '.join(parts)}</p>" if parts else ""


def methods_html(manifest: Mapping[str, Any], *, by: str, n_themes: int | None = None, keyness_columns=()) -> str:
    """The methods section (HTML paragraphs) for ``manifest``."""
    return "<div class='methods'>" + "".join([
        _input(manifest), _segmentation(manifest), _devices(manifest), _emphasis(manifest, by, n_themes),
        _topics(manifest), _keyness(manifest, by, list(keyness_columns)), _other(manifest), _software(manifest),
    ]) + "</div>"
