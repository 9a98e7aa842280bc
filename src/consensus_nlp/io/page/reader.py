"""Newspaper page text -> speeches (bylines, titles, rejoined paragraphs).

A page of speech excerpts (发言摘登) extracted from a PDF arrives as a list of
column lines with the paragraph breaks lost, bylines and titles floating
between bodies, a running header and spacing artifacts. :func:`parse_page`
undoes that in five steps (see ``docs/reading.md`` for the details):

1. **classify lines** (:mod:`.classify`, each with its evidence): bylines (name +
   position, parsed with the vocabularies in ``lexicons/``; statement openings
   ``全国政协委员某某：`` cut off their line; ``□ 某某`` and ``（作者系…）``), the
   running header (a line with leading whitespace, or a long unpunctuated line
   ending in 会议/大会…), markers such as （发言摘登）, reporter credits
   ``（记者 某某）``, title candidates (short unpunctuated lines) and body lines;
2. **meta groups**: title candidates count as titles only next to a byline,
   at most two lines per speaker; everything else is body;
3. **paragraphs**: inside each body run, a paragraph ends at a line that is short
   for its column (width estimated on the neighbouring lines) and ends in
   sentence punctuation, before an enumeration marker (一是, 一、, （一）, 1.) and
   after an unpunctuated heading;
4. **speeches**: bodies are separated by bylines/titles and, inside a body run,
   where an enumeration restarts (…四是 → 一、); the cut is placed before the
   paragraph that opens the next speech (近年来…, or names an organization);
5. **attribution**: bylines and titles are assigned to bodies by evidence —
   the organization named in the body, the words a title shares with a body,
   adjacency on the page, bylines attached by grammar, and elimination — as
   an optimal assignment.

Steps 3-5 live in :mod:`.speeches` and :mod:`.attribution` and are shared with
the PDF reader (:mod:`.pdf`); every threshold and weight is a field of
:class:`~.rules.PageRules`. Radical code points (``⺠`` for 民) are mapped first.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field

from ..._zh import map_radicals
from ...corpus import Corpus, Document
from ...errors import (
    EmptyInputError,
    InputTypeError,
    InvalidArgumentError,
    LayoutError,
    describe,
)
from ..encoding import read_text
from .articles import ArticleReading, read_articles
from .attribution import Group, attribute_titles, title_text
from .bylines import Byline, place_of
from .classify import (
    DASH_MARKER,
    MARKER,
    classify,
    join_wrapped_bylines,
    merge_author_bylines,
    settle_titles,
    split_openings,
)
from .furniture import furniture_kind, mark_section_labels, settle_numbers
from .kinds import check_kind, choose_kind
from .lines import Line, Paragraph
from .rules import PageRules, check_rules
from .speeches import attribute, page_items, paragraphs, speeches_of

__all__ = ["PageReading", "parse_page", "read_lines", "read_page", "source_span", "split_lines"]

logger = logging.getLogger(__name__)


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` (any line endings), numbered from 1 with blank lines counted.

    Radical code points (``⺠`` for ``民``) are mapped to their ideographs, one to one.
    """
    lines = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")), 1):
        if raw.strip():
            lines.append(Line(number, map_radicals(raw.rstrip())))
    return split_openings(lines)


@dataclass
class PageReading:
    """What the reader found on a page: the classified lines, the speeches and what went where."""

    lines: list[Line]
    speeches: list[list[Paragraph]] = field(default_factory=list)
    speakers: list[tuple[Byline, Line, Group] | None] = field(default_factory=list)
    titles: list[list[Line] | None] = field(default_factory=list)
    meeting: str | None = None
    markers: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    furniture: list[list] = field(default_factory=list)  # [page, kind, text]; page None on a text page
    kind: str = "speeches"
    kind_evidence: str = ""
    articles: list[ArticleReading] = field(default_factory=list)
    glyph_aliases: dict[str, int] = field(default_factory=dict)  # PDF: repaired glyph aliases ("戶→户") and how often


def _no_byline(argument: str, value: object) -> LayoutError:
    return LayoutError(
        describe(argument, value, "is not a page of speeches: it has no byline",
                 accepted="a page with lines such as '张三 某某县政协党组书记、主席' "
                          "(a 2-4 character name, a space, an organization and a position from lexicons/positions.txt), "
                          "or a page of articles with author lines ('本报记者 张三 李四'), datelines ('新华社北京3月8日电') "
                          "or titles and source lines ('《人民日报》（2021年03月09日 第 04 版）')",
                 todo="To read plain text files as one document each, use Corpus.from_files; on the command line, "
                      "give a folder of .txt files, several .txt files, or a .jsonl/.csv file.")
    )


def read_lines(lines: list[Line], rules: PageRules, *, argument: str, value: object, check: bool = True,
               kind: str = "auto") -> PageReading:
    """Classify ``lines`` (those without evidence yet), choose the page's kind, then read its documents:
    speeches with bylines and titles attributed, articles, or one speech.

    With ``check=False`` a page without bylines or bodies gives a reading without speeches
    instead of an error (what :func:`consensus_nlp.explain_page` shows).
    """
    for line in lines:
        if not line.evidence:
            line.kind, line.evidence = classify(line, rules)
    if not lines or lines[0].box is None:  # the PDF reader joins its own, knowing the columns
        join_wrapped_bylines(lines)
    mark_section_labels(lines)
    settle_titles(lines, rules)
    settle_numbers(lines)
    reading = PageReading(lines)
    reading.meeting = next((line.text for line in lines if line.kind == "header"), None)
    reading.furniture = [[line.box[0] if line.box else None, furniture_kind(line), line.text]
                         for line in lines if line.kind == "furniture"]
    reading.kind, reading.kind_evidence = choose_kind(lines, kind)
    if reading.kind != "articles":
        reading.credits = [line.text[1:-1].strip() for line in lines if line.kind == "credit"]
    if reading.kind == "articles":
        reading.speeches, reading.articles = read_articles(lines, rules)
        reading.meeting = next((line.text for line in lines if line.kind == "header"), None)
        reading.speakers, reading.titles = [None] * len(reading.speeches), [a.titles or None for a in reading.articles]
    elif reading.kind == "single":
        _read_single(reading, rules)
    elif any(line.bylines for line in lines):
        _read_speeches(reading, rules)
    elif check:
        raise _no_byline(argument, value)
    # after the kind's reading: on a page of articles a ——subtitle under a title is the title's
    reading.markers = list(dict.fromkeys((MARKER.fullmatch(line.text) or DASH_MARKER.fullmatch(line.text)).group(1)
                                         for line in lines if line.kind == "marker"))
    if check and not reading.speeches:
        what = "has bylines but no speech text" if reading.kind != "articles" else "has no article text"
        raise LayoutError(describe(argument, value, what, accepted="body lines (sentences with punctuation) next to the bylines"))
    return reading


def _read_speeches(reading: PageReading, rules: PageRules) -> None:
    lines = reading.lines
    items = page_items(lines)
    if not any(kind == "body" for kind, _ in items):
        return
    names = [n for line in lines for b in line.bylines for n in (b.organization, place_of(b.organization)) if len(n) >= 2]
    speeches, groups = speeches_of(items, names, rules)
    merge_author_bylines(groups)
    speakers, unused = attribute(speeches, groups, rules)
    texts = ["\n".join(p.text for p in speech) for speech in speeches]
    if unused:
        logger.warning("bylines without a speech body: %s", ", ".join(b.speaker for b in unused))
    reading.speeches, reading.speakers = speeches, speakers
    reading.titles = attribute_titles(groups, texts, speakers, rules)


def _read_single(reading: PageReading, rules: PageRules) -> None:
    """The whole page is one speech: every body line, the page's title lines and its (first) byline."""
    items = page_items(reading.lines)
    body = [line for kind, chunk in items if kind == "body" for line in chunk]
    if not body:
        return
    merge_author_bylines([Group(chunk) for kind, chunk in items if kind == "group"])
    found = next(((b, line, Group(chunk)) for kind, chunk in items if kind == "group"
                  for line in chunk for b in line.bylines), None)
    titles = [line for line in reading.lines if line.kind == "title"]
    reading.speeches, reading.speakers, reading.titles = [paragraphs(body, rules)], [found], [titles or None]


def speech_meta(reading: PageReading, s: int) -> dict:
    """The metadata of document ``s`` (the keys documented in :func:`parse_page`)."""
    speech, title = reading.speeches[s], reading.titles[s]
    if reading.articles:
        return reading.articles[s].meta(speech)
    attributed = reading.speakers[s]
    byline = attributed[0] if attributed else None
    return {
        "speaker": (byline.speaker or None) if byline else None,
        "position": (byline.position or None) if byline else None,
        "organization": (byline.organization or None) if byline else None,
        "level": byline.level if byline else None,
        "title": title_text(title) if title else None,
        "meeting": reading.meeting,
        "paragraphs": [p.text for p in speech],
        "paragraph_lines": [p.span for p in speech],
        "byline_line": attributed[1].number if attributed else None,
        "title_lines": [line.number for line in title] if title else [],
    }


def doc_ids(prefix: str, count: int) -> list[str]:
    """``prefix-01``, ``prefix-02``… (at least two digits)."""
    width = max(2, len(str(count)))
    return [f"{prefix}-{s + 1:0{width}d}" for s in range(count)]


def page_meta(reading: PageReading, source: str | None) -> dict:
    """The corpus metadata: ``kind``, ``kind_evidence``, ``meeting``, ``markers``, ``source``; ``credits``,
    ``furniture`` and ``glyph_aliases`` (a PDF's repaired glyph aliases) when the page has some."""
    meta = {"kind": reading.kind, "kind_evidence": reading.kind_evidence, "meeting": reading.meeting,
            "markers": reading.markers, "source": source}
    if reading.credits:
        meta["credits"] = reading.credits
    if reading.furniture:
        meta["furniture"] = reading.furniture
    if reading.glyph_aliases:
        meta["glyph_aliases"] = reading.glyph_aliases
    return meta


def check_prefix(doc_prefix: object) -> None:
    if doc_prefix is not None and (not isinstance(doc_prefix, str) or not doc_prefix):
        raise InvalidArgumentError(describe("doc_prefix", doc_prefix, "is not a non-empty str",
                                            accepted="e.g. 'speech', or None ('speech', or 'article' on a page of articles)"))


def documents_of(reading: PageReading, doc_prefix: str | None) -> list[Document]:
    """One document per speech or article of ``reading``, ids ``f"{doc_prefix}-01"``…"""
    prefix = doc_prefix or ("article" if reading.kind == "articles" else "speech")
    ids = doc_ids(prefix, len(reading.speeches))
    return [Document(ids[s], "\n".join(p.text for p in speech), speech_meta(reading, s))
            for s, speech in enumerate(reading.speeches)]


# -- public API --------------------------------------------------------------
def parse_page(
    text: str, *, source: str | None = None, doc_prefix: str | None = None, rules: PageRules | None = None,
    kind: str = "auto",
) -> Corpus:
    """Split the text of a newspaper page into one document per speech (or article).

    Args:
        text: the page as extracted from a PDF or copied from a paper's website (any line
            endings, with or without blank lines between lines).
        source: where the text came from; stored in the corpus metadata.
        doc_prefix: document ids are ``f"{doc_prefix}-01"``, ``-02``… in the
            page order of the bodies (None: ``speech``, or ``article`` on a page of articles).
        rules: the reader's thresholds and weights (:class:`~.rules.PageRules`; None: the defaults).
        kind: ``"auto"`` (decide from the lines, see :mod:`.kinds`), ``"speeches"`` (a page of
            speeches or statements with bylines), ``"articles"`` (one document per article) or
            ``"single"`` (the page holds one speech: one document).

    Returns:
        A :class:`~consensus_nlp.corpus.Corpus` whose documents hold the cleaned
        paragraphs joined with ``"\\n"``. Speeches have the metadata ``speaker``, ``position``,
        ``organization``, ``level``, ``title``, ``meeting``, ``paragraphs``,
        ``paragraph_lines`` (1-based ``[first, last]`` source lines of each
        paragraph), ``byline_line`` and ``title_lines``; articles ``title``, ``authors``,
        ``credit`` (本报记者, 新华社记者…), ``source``, ``dateline``, ``paragraphs``,
        ``paragraph_lines`` and ``title_lines``. The corpus metadata holds ``kind`` and
        ``kind_evidence`` (the kind read and why), ``meeting``, ``markers`` and ``source``, and
        ``credits`` (reporter credits such as ``记者 张三 李四``, taken out of the bodies) and
        ``furniture`` (``[None, kind, text]``: 版次, section, source, editor, page number lines) when
        there are some.

    Raises:
        InputTypeError: ``text`` is not a str.
        EmptyInputError: ``text`` holds only whitespace.
        UnknownNameError: ``kind`` is not one of the kinds above.
        LayoutError: no byline (or author line) or no body text was found.
    """
    if not isinstance(text, str):
        raise InputTypeError(
            describe("text", text, "is not a str", accepted="the text of a page",
                     todo="Use read_page(path) for a file, or decode bytes first.")
        )
    check_prefix(doc_prefix)
    kind = check_kind(kind)
    rules = check_rules(rules)
    lines = split_lines(text)
    if not lines:
        raise EmptyInputError(describe("text", text, "holds no text", todo="Check that the page is the one you meant."))
    # name the file rather than quote the text when there is one
    argument, value = ("text", text) if source is None else ("source", source)
    reading = read_lines(lines, rules, argument=argument, value=value, kind=kind)
    return Corpus(documents_of(reading, doc_prefix), meta=page_meta(reading, source))


def source_span(text: str, document: Document, start: int, end: int) -> tuple[int, int]:
    r"""Where ``document.text[start:end]`` stands in ``text``, the page :func:`parse_page` read it from.

    The reader only removes white space (line breaks, letter spacing, the spaces of spaced
    digits ``5 0 0 0``) and maps radical code points one to one, so the characters of a
    paragraph are found in order in the lines ``paragraph_lines`` names.

    Examples:
        >>> page = "张三 兰州市政协主席\n今年粮食增加5 0\n0 0 万吨。"
        >>> doc = parse_page(page)[0]
        >>> s, e = source_span(page, doc, doc.text.index("5000"), doc.text.index("吨") + 1)
        >>> doc.text[doc.text.index("5000"):doc.text.index("吨") + 1], page[s:e]
        ('5000万吨', '5 0\n0 0 万吨')

    Raises:
        InvalidArgumentError: the document was not read from ``text`` or the span is out of range.
    """
    paragraphs, spans = document.meta.get("paragraphs"), document.meta.get("paragraph_lines")
    if not paragraphs or not spans or not 0 <= start < end <= len(document.text):
        raise InvalidArgumentError(describe("start, end", (start, end), f"is not a span of a page document ({document.doc_id!r})",
                                            accepted=f"0 <= start < end <= {len(document.text)} in a document of parse_page"))
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    offset = 0
    for paragraph, (first, last) in zip(paragraphs, spans):
        if start < offset + len(paragraph):
            break
        offset += len(paragraph) + 1
    chars = [(map_radicals(ch), starts[n] + i) for n in range(first - 1, min(last, len(starts)))
             for i, ch in enumerate(text[starts[n]: starts[n + 1] if n + 1 < len(starts) else len(text)]) if not ch.isspace()]
    inside = [k for k, ch in enumerate(paragraph) if not ch.isspace()]
    wanted = [i for i, k in enumerate(inside) if start - offset <= k < end - offset]
    where = _find_in_order([ch for ch, _ in chars], [paragraph[k] for k in inside])
    if where is None or not wanted:
        raise InvalidArgumentError(describe("document", document.doc_id, "was not read from this text",
                                            todo="Pass the text the document was read from."))
    return chars[where[wanted[0]]][1], chars[where[wanted[-1]]][1] + 1


def _find_in_order(chars: list[str], wanted: list[str]) -> list[int] | None:
    """Positions of ``wanted`` in ``chars``: as one stretch if it is one, else in order, skipping the
    lines of a running header or page number that stand inside a paragraph's span."""
    joined, target = "".join(chars), "".join(wanted)
    found = joined.find(target)
    if found >= 0:
        return list(range(found, found + len(wanted)))
    for first in (i for i, ch in enumerate(chars) if wanted and ch == wanted[0]):
        where, i = [], first
        for ch in wanted:
            while i < len(chars) and chars[i] != ch:
                i += 1
            if i == len(chars):
                return None
            where.append(i)
            i += 1
        return where
    return None


def read_page(
    path: str | os.PathLike[str], *, doc_prefix: str | None = None, rules: PageRules | None = None,
    encoding: str | None = None, kind: str = "auto",
) -> Corpus:
    """Read a newspaper page of speeches from a text file (UTF-8, UTF-8 with BOM or GB18030).

    Args:
        path: the text file of the page.
        doc_prefix: prefix of the document ids (see :func:`parse_page`).
        rules: the reader's thresholds and weights (:class:`~.rules.PageRules`; None: the defaults).
        encoding: force an encoding (``"big5"``…) instead of detecting UTF-8/GB18030.
        kind: ``"auto"``, ``"speeches"``, ``"articles"`` or ``"single"`` (see :func:`parse_page`).

    Returns:
        The speeches as a :class:`~consensus_nlp.corpus.Corpus`; the corpus
        metadata also records ``source`` (the path) and ``encoding``.

    Raises:
        EmptyInputError: the file holds no text.
        EncodingDetectionError: the file is not text in a supported encoding.
        LayoutError: no speech could be found on the page.
    """
    rules = check_rules(rules)
    kind = check_kind(kind)
    text, found = read_text(path, encoding=encoding)
    corpus = parse_page(text, source=os.fspath(path), doc_prefix=doc_prefix, rules=rules, kind=kind)
    return Corpus(corpus, meta={**corpus.meta, "encoding": found})
