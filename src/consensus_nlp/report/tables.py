"""HTML tables for the report: sortable by a click on a header, filterable by a text box.

The page's script (``assets/report.js``) sorts on each cell's ``data-v`` (the full value of a
number) or its text, and hides the rows that do not contain every word typed in the filter.
Without JavaScript the tables are plain tables.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping
from typing import Any

__all__ = ["table_html", "format_value"]


def format_value(value: Any) -> tuple[str, str | None]:
    """(text shown, sort key or ``None``) of one cell: numbers get 3 significant digits and their full value as key."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, numbers.Integral):
        return str(int(value)), str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        shown = f"{number:.3g}" if (number == 0 or 1e-3 <= abs(number) < 1e6) else f"{number:.2e}"
        return shown, repr(number)
    return str(value), None


def table_html(df, *, table_id: str, max_rows: int | None = 60, headers: Mapping[str, str] | None = None,
               caption: str | None = None, filter_box: bool = True) -> str:
    """A ``<table class="sortable">`` of ``df`` (its columns, not its index) inside a scrolling card.

    Args:
        df: the DataFrame (``None`` or empty gives "(empty)").
        table_id: the element id (the filter box refers to it).
        max_rows: rows shown (the rest are in the CSV file, which the note says); ``None`` for all.
        headers: column -> HTML of its header cell (e.g. a Chinese label over the column name).
        caption: a line of HTML shown above the table.
        filter_box: show the filter text box.
    """
    if df is None or len(df) == 0:
        return "<p><em>(empty)</em></p>"
    headers = headers or {}
    shown = df if max_rows is None else df.head(max_rows)
    numeric = {c: shown[c].map(lambda v: format_value(v)[1] not in (None, "")).any() and
               shown[c].map(lambda v: format_value(v)[1] is not None).all() for c in shown.columns}
    head = "".join(
        f'<th scope="col"{" class=num" if numeric[c] else ""}>{headers.get(c, html.escape(str(c)))}</th>'
        for c in shown.columns)
    rows = []
    for record in shown.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(shown.columns, record):
            text, key = format_value(value)
            attrs = (' class=num' if numeric[column] else "") + (f' data-v="{html.escape(key)}"' if key not in (None, "") else "")
            cells.append(f"<td{attrs}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = (f"<p class='meta'>first {max_rows} of {len(df)} rows; all rows in the CSV file</p>"
            if max_rows is not None and len(df) > max_rows else "")
    box = (f'<input class="filter" type="search" data-table="{table_id}" placeholder="filter rows" '
           f'aria-label="filter the rows of this table">' if filter_box and len(shown) > 5 else "")
    top = f"<p class='meta'>{caption}</p>" if caption else ""
    return (f'<div class="card">{top}{box}<table class="sortable" id="{table_id}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{note}</div>')
