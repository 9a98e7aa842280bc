"""Issue 22: framing devices whose dates a paper can print.

Senses and forms of formulations, mixed-marker outlines, spaced and full-width
statistics, and the annotated samples of ``tests/data/devices_dates`` (README there).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consensus_nlp.devices import find_parallelism, find_statistics
from consensus_nlp.devices.statistics import read_number

DATA = Path(__file__).parent / "data" / "devices_dates"


def _jsonl(name):
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


# --- statistics through spaced and full-width digits, ranges --------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("增加5 0 0 0 万吨", [("5 0 0 0 万吨", "万吨", 50000000.0, None)]),
    ("增长1 5 ．3 ％，", [("1 5 ．3 ％", "％", 15.3, None)]),
    ("下降到1 0 ．0 6 ‰。", [("1 0 ．0 6 ‰", "‰", 10.06, None)]),
    ("累计完成近1 0 万亿元。", [("1 0 万亿元", "万亿元", 1e13, None)]),
    ("粮食１２０万吨", [("１２０万吨", "万吨", 1200000.0, None)]),
    ("等比上年下降２０—３４％。", [("２０—３４％", "％", 20.0, 34.0)]),
    ("每50公斤提高5到7元", [("50公斤", "公斤", 50.0, None), ("5到7元", "元", 5.0, 7.0)]),
    ("１９９８年", []),
    ("1 9 9 9 年1 2 月2 0 日回到祖国怀抱", []),  # dates, however spaced
])
def test_spaced_fullwidth_and_range_statistics(text, expected):
    got = [(d.text, d.label, d.attrs["value"], d.attrs.get("high")) for d in find_statistics(text)]
    assert got == expected


def test_read_number():
    assert [read_number(s) for s in ("5 0 0 0", "１５．３", "1 5 ．3", "4·3", "1,234")] == [5000.0, 15.3, 15.3, 4.3, 1234.0]


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet="0123456789０１２ 　．.万亿元吨％个年—到多", max_size=60))
def test_statistic_spans_point_into_the_text(text):
    for d in find_statistics(text):
        assert text[d.start:d.end] == d.text
        assert d.attrs["value"] == d.attrs["value"]  # never NaN
        assert d.text[0] in "0123456789０１２"


def test_spaced_statistics_of_the_1998_report(gov_reports_dir):
    # 41 statistics and 8 dates of the 1998 report, values read by hand (README of devices_dates)
    rows = _jsonl("spaced_statistics.jsonl")
    texts = {}
    exact = total = false_starts = 0
    for r in rows:
        if r["file"] not in texts:
            texts[r["file"]] = {d.start: d for d in find_statistics((gov_reports_dir / r["file"]).read_text(encoding="utf-8"))}
        d = texts[r["file"]].get(r["start"])
        if r["statistic"]:
            total += 1
            exact += d is not None and d.attrs["value"] == pytest.approx(r["value"], rel=1e-9)
        else:
            false_starts += d is not None
    assert total >= 15
    assert exact / total >= 0.90
    assert (exact, total, false_starts) == (41, 41, 0)


# --- parallelism refuses lists of figures ------------------------------------------------------

def test_parallelism_refuses_number_slots():
    text = "淘汰落后炼铁产能4659万吨、炼钢产能3747万吨、水泥产能8700万吨。"  # 2008 report
    assert find_parallelism(text) == []
    text = "淘汰落后的炼钢产能１６９１万吨、炼铁产能２１１３万吨、水泥产能７４１６万吨、焦炭产能１８０９万吨。"  # 2010
    assert find_parallelism(text) == []
    # a slot of words next to a literal number is still parallelism
    assert [d.label for d in find_parallelism("进机关、进学校、进军营、进企业。")] == ["进_"]
