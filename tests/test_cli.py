"""The consensus-nlp console script, run as a user runs it (a subprocess of the installed script)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "consensus-nlp"


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([str(SCRIPT), *args], input=stdin, capture_output=True, cwd=cwd, env=env, timeout=600)


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("analyze")
    results = []
    for name in ("a", "b"):  # the same command line, run in two folders
        (base / name).mkdir()
        results.append(run("analyze", "--out", "report", "--no-progress", cwd=base / name))
    return base, results


def test_console_script_is_installed():
    assert SCRIPT.is_file(), f"{SCRIPT} missing: install the package (pip install .)"
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("consensus-nlp 0.1.0")


def test_analyze_writes_report_tables_figures_and_manifest(two_reports):
    base, results = two_reports
    assert [r.returncode for r in results] == [0, 0], results[0].stderr.decode()
    out = base / "a" / "report"
    names = {p.name for p in out.iterdir()}
    for expected in ("report.html", "manifest.json", "documents.csv", "devices.csv", "outline.csv", "emphasis.csv",
                     "topic_terms.csv", "doc_topics.csv", "keyness.csv", "emphasis_heatmap.png", "topic_terms.png",
                     "dendrogram.png"):
        assert expected in names
    documents = list(csv.DictReader(io.StringIO((out / "documents.csv").read_text(encoding="utf-8"))))
    assert [d["speaker"] for d in documents] == ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"]
    assert [int(d["outline_items"]) for d in documents] == [4, 4, 4, 3, 5, 5, 3]
    summary = results[0].stdout.decode()
    assert "张剑蓉" in summary and "report.html" in summary
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "做优“委员讲堂”，强化思想政治引领" in html
    assert "data:image/png;base64," in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["units"] == "outline_item"
    assert manifest["random_state"] == 0
    assert manifest["input"]["name"] == "gansu-cppcc-2021"
    assert "lexicons/political.txt" in manifest["resources"]
    assert set(manifest["outputs"]) >= {"emphasis.csv", "topic_terms.csv", "emphasis_heatmap.png"}


def test_analyze_twice_gives_identical_outputs(two_reports):
    base, _ = two_reports
    a, b = base / "a" / "report", base / "b" / "report"
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name in ("manifest.json", "report.html"):
            continue
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ma, mb = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (a, b))
    for m in (ma, mb):
        m.pop("timings")
        m.pop("created")
    assert ma == mb


@pytest.mark.parametrize(
    ("args", "status", "phrase"),
    [
        (("analyze", "no-such-corpus"), 2, "no-such-corpus"),
        (("analyze", "missing/page.txt"), 2, "missing/page.txt"),
        (("analyze", "--units", "sentence"), 2, "invalid choice: 'sentence'"),
        (("analyze", "--k", "0"), 2, "must be 1 or more"),
        (("analyze", "--engine", "mallet", "--out", "x"), 2, "engine='mallet'"),
        (("analyze", "--themes", "nothemes", "--out", "x"), 2, "themes='nothemes'"),
        (("tag", "--kinds", "metaphor"), 2, "metaphor"),
    ],
)
def test_usage_mistakes_give_one_line_and_status_2(tmp_path, args, status, phrase):
    result = run(*args, stdin=b"\xe4\xb8\x80\xe6\x98\xaf", cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == status, err
    assert phrase in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_undecodable_file_is_a_data_error(tmp_path):
    bad = tmp_path / "page.txt"
    bad.write_bytes(bytes(range(256)) * 4)
    result = run("analyze", str(bad), "--out", str(tmp_path / "o"))
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "UTF-8" in err and "GB18030" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_empty_file_is_a_data_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n  \n")
    result = run("analyze", str(empty), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert "holds no text" in result.stderr.decode()


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "analyze", "no-such-corpus")
    assert result.returncode != 0
    assert "Traceback" in result.stderr.decode()


def test_segment_reads_standard_input():
    result = run("segment", "--format", "json", stdin="做活“委员之家”".encode())
    assert result.returncode == 0, result.stderr.decode()
    rows = json.loads(result.stdout)
    assert [(r["token"], r["start"], r["end"]) for r in rows] == [
        ("做活", 0, 2), ("“", 2, 3), ("委员之家", 3, 7), ("”", 7, 8)
    ]


def test_outline_text_format_reads_a_gb18030_file(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_bytes("一是做优“委员讲堂”，强化思想政治引领。\r\n二是做强“文化品牌”，筑牢文化交流纽带。\r\n".encode("gb18030"))
    result = run("outline", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines() == [
        "一是 做优“委员讲堂”，强化思想政治引领",
        "二是 做强“文化品牌”，筑牢文化交流纽带",
    ]


def test_tag_csv_has_offsets_into_the_input():
    text = "增进政治认同、思想认同、理论认同、情感认同。"
    result = run("tag", "--format", "csv", "--kinds", "formulation", stdin=text.encode())
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [(r["kind"], r["label"], r["text"]) for r in rows] == [
        ("formulation", "四个认同", "政治认同、思想认同、理论认同、情感认同")
    ]
    assert text[int(rows[0]["start"]) : int(rows[0]["end"])] == rows[0]["text"]


def test_corpora_lists_the_bundled_corpus():
    result = run("corpora")
    assert result.returncode == 0
    assert "gansu-cppcc-2021" in result.stdout.decode().split()
