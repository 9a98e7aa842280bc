"""What kind of page this is: speeches, articles, or a single speech — chosen from the lines, with the reason.

``kind="auto"`` (the default of :func:`~.reader.read_page`, :func:`~.reader.parse_page`
and :func:`~.pdf.read_pdf`) decides from the classified lines:

- one byline and one run of body text: ``single`` (a file holding one speech: one
  document, even when its body lists 一是…四是 twice);
- bylines (speakers): ``speeches`` (a 发言摘登 or statements page);
- no byline, but reporters' author lines (``本报记者 张三 李四``), bracketed credits or
  datelines (``新华社北京3月8日电``), or source lines closing articles
  (``《人民日报》（2021年03月09日 第 04 版）``) and title lines: ``articles`` (one document per article);
- nothing of these: ``speeches``, which refuses the page ("it has no byline").

The choice and its reason are kept in ``corpus.meta["kind"]`` and
``corpus.meta["kind_evidence"]`` and in ``explain_page(...).attrs``.
"""

from __future__ import annotations

from ...errors import check_choice
from .classify import opens_with_dateline
from .lines import Line
from .speeches import page_items

__all__ = ["KINDS", "check_kind", "choose_kind", "reading_summary"]

#: The page kinds ``kind=`` accepts.
KINDS = ("auto", "speeches", "articles", "single")


def check_kind(kind: object) -> str:
    """``kind`` if it is one of :data:`KINDS`; else a clear error."""
    return check_choice("kind", kind, KINDS, what="a page kind")


def choose_kind(lines: list[Line], kind: str) -> tuple[str, str]:
    """``(kind, evidence)``: the kind asked for, or the one the lines show (see the module's docs)."""
    if kind != "auto":
        return kind, f"asked for (kind={kind!r})"
    bylines = [b.speaker or b.position for line in lines for b in line.bylines]
    runs = sum(1 for k, _ in page_items(lines) if k == "body")
    if len(bylines) == 1 and runs == 1:
        return "single", f"one byline ({bylines[0]}) and one run of body text"
    if bylines:
        return "speeches", f"{len(bylines)} bylines ({', '.join(bylines[:3])}{', …' if len(bylines) > 3 else ''})"
    authors = sum(1 for line in lines if line.kind in ("author", "credit"))
    datelines = sum(1 for line in lines if line.kind == "body" and opens_with_dateline(line.text))
    if authors or datelines:
        return "articles", f"no byline; {authors} author or credit lines, {datelines} datelines"
    sources = sum(1 for line in lines if line.kind == "furniture" and line.evidence.startswith("source"))
    titles = sum(1 for line in lines if line.kind == "title" or line.evidence.startswith("title candidate"))
    if sources and titles:
        return "articles", f"no byline, author line or dateline; {sources} source lines (《人民日报》（date 第N版）) after articles"
    return "speeches", "no byline, author line or dateline"


def reading_summary(meta: dict, count: int) -> str | None:
    """What a page reader read, for people: ``1 speech``, ``7 speeches from 1 page``, ``12 articles from 3 pages``.

    ``meta`` is the corpus metadata of :func:`~.reader.read_page` or :func:`~.pdf.read_pdf`
    (None when it holds no ``kind``: the corpus was not read from a page).

    Examples:
        >>> reading_summary({"kind": "speeches"}, 7), reading_summary({"kind": "articles", "page_count": 3}, 12)
        ('7 speeches from 1 page', '12 articles from 3 pages')
        >>> reading_summary({"kind": "single"}, 1), reading_summary({}, 3) is None
        ('1 speech', True)
    """
    kind = meta.get("kind")
    if kind not in KINDS[1:]:
        return None
    noun = "article" if kind == "articles" else "speech"
    plural = "" if count == 1 else ("s" if noun == "article" else "es")
    if kind == "single":
        return f"{count} {noun}{plural}"
    pages = meta.get("page_count") or 1
    return f"{count} {noun}{plural} from {pages} page{'' if pages == 1 else 's'}"
