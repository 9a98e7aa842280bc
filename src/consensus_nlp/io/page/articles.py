"""Article pages (a People's Daily page, a page of a paper's website) -> one document per article.

An article opens with its title lines (a PDF: by font size; a text page: short
unpunctuated lines next to an author line or before a dateline, or, as a reader
takes them, up to three such lines after furniture or the end of a sentence and
before body text clearly wider than they are, a ``——`` subtitle among them), then its
author line (``本报记者  张  三  李四``: layout spaces closed up), then the body; a
dateline opening the body (``新华社北京3月8日电（记者 王五）``) is taken out of it
into the metadata, and a source line (``《人民日报》（2021年03月08日 第 1 版）``)
closes the article. Contents lists, page numbers, 版次 and 责编 lines are furniture.
A body before the first title (the end of an article from the page before) is an
article without a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .attribution import title_text
from .bylines import parse_author_line, parse_credit
from .classify import DASH_MARKER, cue, opens_with_dateline
from .cleaning import ends_sentence
from .furniture import furniture_kind
from .lines import Line, Paragraph
from .rules import PageRules
from .speeches import paragraphs

__all__ = ["ArticleReading", "read_articles"]

_CREDIT_AFTER = re.compile(r"\s*[（(]([^（）()]{2,40})[）)]")


@dataclass
class ArticleReading:
    """One article: its title lines, authors and credit roles, source line, dateline and body lines."""

    titles: list[Line] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    dateline: str | None = None
    body: list[Line] = field(default_factory=list)
    closed: bool = False

    def meta(self, speech: list[Paragraph]) -> dict:
        """The document metadata of the article (see :func:`consensus_nlp.read_page`)."""
        return {
            "title": title_text(self.titles) if self.titles else None,
            "authors": list(dict.fromkeys(self.authors)),
            "credit": "、".join(self.roles) or None,
            "source": self.source,
            "dateline": self.dateline,
            "paragraphs": [p.text for p in speech],
            "paragraph_lines": [p.span for p in speech],
            "title_lines": [line.number for line in self.titles],
        }


def _split(lines: list[Line]) -> list[ArticleReading]:
    articles: list[ArticleReading] = []

    def fresh() -> ArticleReading:
        articles.append(ArticleReading())
        return articles[-1]

    current: ArticleReading | None = None
    for line in lines:
        if line.kind == "title":
            if current is None or current.body or current.closed or current.roles:
                current = fresh()
            current.titles.append(line)
        elif line.kind == "author":
            if current is None or current.body or current.closed:
                current = fresh()
            roles, names = parse_author_line(line.text) or ([], [])
            current.roles.extend(r for r in roles if r not in current.roles)
            current.authors.extend(names)
        elif line.kind == "credit" and current is not None:
            current.authors.extend(parse_credit(line.text) or [])
            current.roles.extend(r for r in (parse_author_line(line.text[1:-1], strict=False) or ([], []))[0]
                                 if r not in current.roles)
        elif line.kind == "furniture" and furniture_kind(line) == "source" and current is not None:
            current.source, current.closed = line.text, True
        elif line.kind == "body":
            if current is None or current.closed:
                current = fresh()
            current.body.append(line)
    return [a for a in articles if a.body]


def _take_dateline(article: ArticleReading, first: Paragraph, lines: list[Line]) -> None:
    """Move a dateline (and a credit in brackets right after it) from the start of ``first`` into the article."""
    for joiner in (" ", ""):  # a line break between two names parts them (胡海 / 钟刚), one inside a word not (记 / 者)
        raw = joiner.join(line.raw.strip() for line in first.lines)
        match = cue("dateline").match("".join(raw.split()))  # spaced digits: 本报北京1 2月8日电
        if match is None:
            return
        end, seen = 0, 0
        for end, ch in enumerate(raw, 1):  # where the dateline's last character stands in the raw text
            seen += not ch.isspace()
            if seen == match.end():
                break
        after = _CREDIT_AFTER.match(raw, end)
        found = parse_author_line(after.group(1), strict=False) if after is not None else None
        if found is not None or after is None:
            break
    article.dateline = match.group(0)
    if after is not None and found is not None:
        article.roles.extend(r for r in found[0] if r not in article.roles)
        article.authors.extend(found[1])
        end = after.end()
    cut = sum(1 for ch in raw[:end] if not ch.isspace())
    while cut and first.lines:
        line = first.lines[0]
        text = line.raw
        seen = 0
        for i, ch in enumerate(text):
            if not ch.isspace():
                seen += 1
            if seen == cut:
                break
        if seen < cut or not text[i + 1:].strip():  # the whole line is the dateline
            line.kind, line.evidence = "dateline", "the dateline opening the article: taken out of the body"
            first.lines.pop(0)
            cut -= seen
            continue
        head = Line(line.number, text[: i + 1], kind="dateline", evidence="the dateline opening the article: taken out "
                    "of the body", box=line.box, size=line.size, column=line.column, font=line.font)
        lines.insert(lines.index(line), head)
        line.raw = text[i + 1:]
        cut = 0


def _in_title(line: Line) -> bool:
    """A line that can stand in an article's title on a text page: a title, a title candidate the speech rules
    turned into body text (no byline in its group, or too many per byline), a ``——`` subtitle."""
    return line.kind == "title" or line.kind == "body" and line.evidence.startswith("title candidate") or (
        line.kind == "marker" and line.text.startswith(("—", "－")) and bool(DASH_MARKER.fullmatch(line.text)))


def _settle_titles(lines: list[Line], rules: PageRules) -> None:
    """Titles of articles on a text page, as a reader finds them: a run of at most three short unpunctuated
    lines (引题, title, ——副题) that opens the page or follows furniture or the end of a sentence, and is
    followed by an author line, a credit or body text at least ``short_cells`` wider than each of its lines."""
    if lines and lines[0].size is not None:
        return  # a PDF's titles are found by their font size
    k = 0
    while k < len(lines):
        if not _in_title(lines[k]):
            k += 1
            continue
        j = k
        while j < len(lines) and _in_title(lines[j]):
            j += 1
        run, before, after = lines[k:j], lines[k - 1] if k else None, lines[j] if j < len(lines) else None
        opens = before is None or before.kind in ("furniture", "header", "author") or (
            before.kind == "body" and ends_sentence(before.text))
        followed = after is not None and (after.kind in ("author", "credit") or after.kind == "body" and (
            opens_with_dateline(after.text) or all(line.width <= after.width - rules.short_cells for line in run)))
        if opens and followed and len(run) <= 3 and any(line.kind != "marker" for line in run):
            for line in run:
                if line.kind != "title":
                    line.kind, line.attached = "title", "after"
                    line.evidence = (f"a short line without punctuation ({line.evidence}), in a run of {len(run)} after "
                                     "furniture or a sentence's end and before wider body text: an article's title")
        k = j


def read_articles(lines: list[Line], rules: PageRules) -> tuple[list[list[Paragraph]], list[ArticleReading]]:
    """The articles of a page: the paragraphs of each and what else was read about it.

    On a page of articles a line that ends like a meeting name (…座谈会) followed by an
    author line or the body is a headline, not a running header; on a text page, titles
    are settled as a reader finds them (see the module's docs).
    """
    for k, line in enumerate(lines[:-1]):
        if line.kind == "header" and line.evidence.startswith("ends like") and lines[k + 1].kind in ("body", "author", "title"):
            line.kind, line.attached = "title", "after"
            line.evidence = "ends like a meeting name, but opens an article on a page of articles: a headline"
    _settle_titles(lines, rules)
    articles = _split(lines)
    speeches = []
    for article in articles:
        found = paragraphs(article.body, rules)
        _take_dateline(article, found[0], lines)
        agency = re.match(r"新华社|中新社", article.dateline or "")  # （记者 王五） after 新华社…电: a 新华社记者
        if agency:
            article.roles = list(dict.fromkeys(agency.group(0) + r if r == "记者" else r for r in article.roles))
        if not found[0].lines:
            found = found[1:]
        speeches.append(found)
    kept = [(s, a) for s, a in zip(speeches, articles) if s]
    return [s for s, _ in kept], [a for _, a in kept]
