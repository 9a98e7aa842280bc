"""The consensus-nlp console script, run as a user runs it (a subprocess of the installed script)."""

from __future__ import annotations

import csv
import hashlib
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
    from consensus_nlp.version import __version__

    assert result.stdout.decode().startswith(f"consensus-nlp {__version__}")


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
    outline = read_csv(out / "outline.csv")
    assert [(o["doc_id"], o["level"], o["marker"], o["ordinal"], o["headline"], o["start"], o["end"]) for o in outline[:2]] == [
        ("gansu-cppcc-2021-01", "1", "一是", "1", "做优“委员讲堂”，强化思想政治引领", "82", "208"),
        ("gansu-cppcc-2021-01", "1", "二是", "2", "做强“文化品牌”，筑牢文化交流纽带", "209", "467"),
    ]
    assert len(outline) == 28
    devices_header = (out / "devices.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert devices_header[:7] == ["doc_id", "kind", "label", "start", "end", "text", "attrs"]
    assert "paragraphs" not in devices_header and "paragraph_lines" not in devices_header  # no text repeated per row
    summary = results[0].stdout.decode()
    assert "张剑蓉" in summary and "report.html" in summary
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "做优“委员讲堂”，强化思想政治引领" in html
    assert html.count("<svg ") == 4 and "@font-face" in html  # figures inline as SVG, the font subset embedded
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["units"] == "outline_item"
    # the options as the command line gave them (one AnalysisConfig), beside what they resolved to
    assert {k: manifest["config"][k] for k in ("out_dir", "units", "k", "random_state", "progress", "by")} == {
        "out_dir": "report", "units": "outline_item", "k": None, "random_state": 0, "progress": False, "by": None}
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
        if name == "manifest.json":  # report.html leaves the timings and date out: byte-identical too
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
        (("analyze", "--k", "1"), 2, "must be 2 or more"),
        (("analyze", "--engine", "mallet", "--out", "x"), 2, "--engine 'mallet' is not a topic-model engine"),
        (("analyze", "--themes", "nothemes", "--out", "x"), 2, "--themes 'nothemes' is neither a bundled theme set nor an existing file"),
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


# -- analyze on inputs other than the seed page ------------------------------------------------------------
REPORTS = ("2014政府工作报告_李克强", "2015政府工作报告_李克强", "2016政府工作报告_李克强", "2017政府工作报告_李克强")


def report_excerpts(gov_reports_dir: Path, n_chars: int = 2500) -> list[str]:
    return [(gov_reports_dir / f"{name}.txt").read_text(encoding="utf-8")[:n_chars] for name in REPORTS]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def one_error_line(result: subprocess.CompletedProcess, status: int) -> str:
    err = result.stderr.decode()
    assert result.returncode == status, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_analyze_a_gb18030_csv_with_ids_and_metadata(gov_reports_dir, tmp_path):
    texts = report_excerpts(gov_reports_dir)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["doc_id", "year", "organization", "text"])
    writer.writerows([(f"r{i}", 2014 + i, ("国务院", "政府", "委员会")[i % 3], t) for i, t in enumerate(texts)])
    path = tmp_path / "reports.csv"
    path.write_bytes(buffer.getvalue().encode("gb18030"))
    result = run("analyze", str(path), "--out", "out", "--no-progress", "--units", "paragraph", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    documents = read_csv(tmp_path / "out" / "documents.csv")
    assert [(d["doc_id"], d["year"], d["organization"]) for d in documents] == [
        ("r0", "2014", "国务院"), ("r1", "2015", "政府"), ("r2", "2016", "委员会"), ("r3", "2017", "国务院")
    ]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["kind"] == "csv" and manifest["parameters"]["by"] == "organization"
    assert result.stderr.decode() == ""  # no document skipped
    assert {r["organization"] for r in read_csv(tmp_path / "out" / "keyness.csv")} == {"国务院", "政府", "委员会"}
    assert (tmp_path / "out" / "dendrogram.png").is_file()  # three groups: clustered


def test_analyze_a_csv_without_ids_groups_by_speaker(gov_reports_dir, tmp_path):
    """No doc_id column; an organization column with an empty cell is not complete, so groups are speakers."""
    texts = report_excerpts(gov_reports_dir)
    path = tmp_path / "speeches.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["speaker", "organization", "text"])
        writer.writerows([("李克强" if i < 2 else "某某", "" if i == 3 else "国务院", t) for i, t in enumerate(texts)])
    result = run("analyze", str(path), "--out", "out", "--no-progress", cwd=tmp_path)
    warning = ("speeches.csv has no 'doc_id' or 'id' column: the documents are numbered doc-0, doc-1, … "
               "(name the id column with --id-column …)")
    assert one_error_line(result, 0) == f"consensus-nlp: warning: {warning}"
    documents = read_csv(tmp_path / "out" / "documents.csv")
    assert [(d["doc_id"], d["speaker"], d["organization"]) for d in documents] == [
        ("doc-0", "李克强", "国务院"), ("doc-1", "李克强", "国务院"), ("doc-2", "某某", "国务院"), ("doc-3", "某某", "")
    ]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["by"] == "speaker"
    assert manifest["warnings"] == [warning.replace("--id-column ", "id_column=")]
    assert (tmp_path / "out" / "topic_shares_by_speaker.csv").is_file()
    assert not (tmp_path / "out" / "dendrogram.png").exists()  # two groups: nothing to cluster


def test_analyze_jsonl_with_another_text_key_two_documents_and_empty_ones(gov_reports_dir, tmp_path):
    """No organization (groups fall back to doc_id), 2 real documents, 2 empty ones skipped with one warning line;
    the previous run's outputs that this run does not write are removed if they are unchanged since."""
    texts = report_excerpts(gov_reports_dir)[:2] + ["", "。。。\n"]
    path = tmp_path / "speeches.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"j{i}", "body": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine too", encoding="utf-8")
    (out / "dendrogram.png").write_bytes(b"old")
    (out / "clusters.csv").write_bytes(b"edited since")
    sha = lambda data: hashlib.sha256(data).hexdigest()  # noqa: E731
    (out / "manifest.json").write_text(json.dumps({"generator": "consensus-nlp", "outputs": {
        "dendrogram.png": sha(b"old"), "clusters.csv": sha(b"as written"), "../notes.txt": sha(b"mine too")}}),
        encoding="utf-8")
    result = run("analyze", str(path), "--text-column", "body", "--out", "out", "--no-progress", cwd=tmp_path)
    assert one_error_line(result, 0) == "consensus-nlp: warning: skipped 2 document(s) without words: j2, j3"
    documents = read_csv(out / "documents.csv")
    assert [d["doc_id"] for d in documents] == ["j0", "j1"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["by"] == "doc_id" and manifest["input"]["documents"] == 2
    assert {r["doc_id"] for r in read_csv(out / "keyness.csv")} == {"j0", "j1"}
    assert not (out / "dendrogram.png").exists()
    # files the old manifest did not list, listed outside the folder, or that changed since, are left alone
    assert (out / "clusters.csv").read_bytes() == b"edited since"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine too"


def test_analyze_a_folder_with_metadata_from_file_names(gov_reports_dir, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in zip(REPORTS[:3], report_excerpts(gov_reports_dir)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    result = run("analyze", "reports", "--meta-pattern", r"(?P<year>\d{4})", "--out", "out", "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    documents = read_csv(tmp_path / "out" / "documents.csv")
    assert [(d["doc_id"], d["year"]) for d in documents] == [(n, n[:4]) for n in REPORTS[:3]]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["parameters"]["by"] == "year"


def test_analyze_a_gb18030_crlf_page_finds_the_seven_speakers(page_text, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(page_text.replace("\n", "\r\n").encode("gb18030"))
    result = run("analyze", str(path), "--out", "out", "--no-progress", "--units", "speech", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    documents = read_csv(tmp_path / "out" / "documents.csv")
    assert [d["speaker"] for d in documents] == ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"]
    assert [d["organization"] for d in documents] == [
        "徽县政协", "省委党校", "酒泉市政协", "金昌市政协", "天水市政协", "临夏州政协", "镇原县政协"
    ]


@pytest.mark.parametrize(
    ("make", "args", "status", "phrases"),
    [
        # a plain speech is not a page: say so, and say how to read it as one document
        (lambda d, texts: (d / "speech.txt").write_text(texts[0], encoding="utf-8"), ("speech.txt",), 1,
         ("input 'speech.txt' is not a page of speeches: it has no byline", "give a folder of .txt files")),
        (lambda d, texts: (d / "only_header.csv").write_text("doc_id,text\n", encoding="utf-8"), ("only_header.csv",), 1,
         ("holds no documents",)),
        (lambda d, texts: (d / "blank.jsonl").write_text('{"id": 1, "text": ""}\n{"id": 2, "text": "，。"}\n', encoding="utf-8"),
         ("blank.jsonl",), 1, ("holds no words in any document",)),
        # one document, one speech: no topic model on one unit
        (lambda d, texts: (d / "one.jsonl").write_text(json.dumps({"id": "a", "text": texts[0]}) + "\n", encoding="utf-8"),
         ("one.jsonl", "--units", "speech"), 1,
         ("--units 'speech' gives 1 unit of analysis, too few for a topic model", "(--units 'outline_item')")),
        (lambda d, texts: [(d / n).write_text(t, encoding="utf-8") for n, t in (("a.txt", texts[0]), ("b.jsonl", "{}"))],
         ("a.txt", "b.jsonl"), 2, ("mixes several inputs with a folder or table (b.jsonl)",)),
        (lambda d, texts: (d / "f").mkdir(), ("f", "--meta-pattern", "(?P<year>"), 2,
         ("--meta-pattern '(?P<year>' is not a valid regular expression",)),
        (lambda d, texts: (d / "bad.csv").write_text('text\n"unclosed\n', encoding="utf-8"), ("bad.csv",), 2,
         ("input 'bad.csv' is not a readable CSV file",)),
    ],
    ids=["plain-speech", "csv-header-only", "only-empty-documents", "one-unit", "mixed-inputs", "bad-regex", "bad-csv"],
)
def test_analyze_data_that_cannot_be_analysed_gives_one_line(gov_reports_dir, tmp_path, make, args, status, phrases):
    make(tmp_path, report_excerpts(gov_reports_dir, 600))
    line = one_error_line(run("analyze", *args, "--out", "out", "--no-progress", cwd=tmp_path), status)
    assert line.startswith("consensus-nlp: error: ")
    for phrase in phrases:
        assert phrase in line
    assert not (tmp_path / "out" / "report.html").exists()


def test_segment_text_format_keeps_crlf_tab_nbsp_and_emoji_lines():
    text = "一是加强党的建设。\r\n\r\n二是\t推进\u00a0改革😀\r\n三是"
    result = run("segment", stdin=text.encode("utf-8"))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8").split("\n") == ["一是 加强 党的建设 。", "", "二是 推进 改革 😀", "三是", ""]


def test_analyze_identical_groups_are_not_clustered(gov_reports_dir, tmp_path):
    """Three organizations with the same text: nothing to cluster (a warning line), the repeated texts
    (a warning line each), no dendrogram, status 0."""
    text = report_excerpts(gov_reports_dir, 1500)[0]
    path = tmp_path / "same.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{i}", "organization": org, "text": text}, ensure_ascii=False) + "\n"
                            for i, org in enumerate(("甲政协", "乙政协", "丙政协"))), encoding="utf-8")
    result = run("analyze", str(path), "--out", "out", "--no-progress", cwd=tmp_path)
    repeated = [f"document d{i} repeats the text of d0: its words are counted twice" for i in (1, 2)]
    warnings = [*repeated, "the 3 groups by organization were not clustered: their theme profiles are identical"]
    assert result.returncode == 0 and "Traceback" not in result.stderr.decode()
    assert result.stderr.decode().splitlines() == [f"consensus-nlp: warning: {w}" for w in warnings]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["warnings"] == warnings
    assert [d["organization"] for d in read_csv(tmp_path / "out" / "documents.csv")] == ["甲政协", "乙政协", "丙政协"]
    assert not (tmp_path / "out" / "dendrogram.png").exists()
    assert not (tmp_path / "out" / "clusters.csv").exists()


# -- table inputs: columns by option, kind by extension; errors phrased as options ----------------------------
def test_analyze_a_tsv_with_id_text_and_metadata_columns(gov_reports_dir, tmp_path):
    """A .tsv is a table (not a newspaper page); --id-column, --text-column and --meta-columns pick the columns."""
    texts = report_excerpts(gov_reports_dir, 1500)
    rows = ["key\tbody\tyear\torganization\tnote"] + [
        f"k{i}\t{t.replace(chr(10), ' ')}\t{2014 + i}\t{('国务院', '政府')[i % 2]}\t备注{i}" for i, t in enumerate(texts)]
    (tmp_path / "reports.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("analyze", "reports.tsv", "--id-column", "key", "--text-column", "body", "--meta-columns", "year,organization",
                 "--units", "speech", "--out", "out", "--no-progress", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr.decode() == "", result.stderr.decode()
    documents = read_csv(tmp_path / "out" / "documents.csv")
    assert list(documents[0]) == ["doc_id", "year", "organization", "chars", "outline_items", "devices"]
    assert [(d["doc_id"], d["year"], d["organization"], d["chars"]) for d in documents] == [
        (f"k{i}", str(2014 + i), ("国务院", "政府")[i % 2], str(len(t))) for i, t in enumerate(texts)]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["kind"] == "tsv"
    assert manifest["input"]["columns"] == {"text": "body", "id": "key", "meta": ["year", "organization"]}
    assert manifest["parameters"]["id_column"] == "key" and manifest["parameters"]["by"] == "organization"
    assert manifest["input"]["files"] == {"reports.tsv": hashlib.sha256((tmp_path / "reports.tsv").read_bytes()).hexdigest()}


def test_analyze_a_parquet_file_takes_ids_from_its_id_column(gov_reports_dir, tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    texts = report_excerpts(gov_reports_dir, 1200)
    pd.DataFrame({"id": [101, 102, 103, 104], "text": texts, "year": [2014, 2015, 2016, 2017]}).to_parquet(
        tmp_path / "reports.parquet", index=False)
    result = run("analyze", "reports.parquet", "--units", "speech", "--out", "out", "--no-progress", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr.decode() == "", result.stderr.decode()
    documents = read_csv(tmp_path / "out" / "documents.csv")
    assert [(d["doc_id"], d["year"]) for d in documents] == [("101", "2014"), ("102", "2015"), ("103", "2016"), ("104", "2017")]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["parameters"]["by"] == "year"


def test_analyze_by_a_field_with_a_slash_in_its_name(gov_reports_dir, tmp_path):
    texts = report_excerpts(gov_reports_dir, 1200)
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"r{i}", "region/province": ("甘肃", "北京")[i % 2], "text": t},
                                       ensure_ascii=False) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    result = run("analyze", "reports.jsonl", "--by", "region/province", "--units", "speech", "--out", "out", "--no-progress",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    shares = read_csv(tmp_path / "out" / "topic_shares_by_region_province.csv")
    assert [r["region/province"] for r in shares] == ["甘肃", "北京"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "reports.jsonl"]


@pytest.mark.parametrize(
    ("files", "args", "status", "expected"),
    [
        ({"t.csv": "doc_id,text\na,协商民主\n"}, ("t.csv", "--text-column", "body"), 2,
         "--text-column 'body' is not a column of t.csv; accepted: 'doc_id', 'text'. Name the column that holds the texts."),
        ({"t.csv": "doc_id,text\na,协商民主\n"}, ("t.csv", "--id-column", "key"), 2,
         "--id-column 'key' is not a column of t.csv; accepted: 'doc_id', 'text'. Name the column that holds the document ids."),
        ({"t.csv": "doc_id,text,year\na,协商民主,2020\n"}, ("t.csv", "--meta-columns", "year,decade"), 2,
         "--meta-columns 'decade' is not a column of t.csv; accepted: 'doc_id', 'text', 'year'. "
         "List existing columns, separated by commas."),
        ({"t.csv": "key,text\na,协商民主\na,凝聚共识\n"}, ("t.csv", "--id-column", "key"), 2,
         "--id-column 'key' holds the id 'a' twice (rows 1 and 2) in t.csv; accepted: a column of unique ids. "
         "Name another id column, or fix the ids."),
        ({"d/a.txt": "协商民主"}, ("d", "--id-column", "key"), 2,
         "--id-column 'key' applies to table inputs, not to a folder; accepted: a .csv, .tsv, .jsonl or .parquet input. "
         "Leave it out, or give a table."),
        ({"notes.docx": "协商民主"}, ("notes.docx",), 2,
         "input 'notes.docx' has an extension (.docx) that analyze does not read; accepted: a bundled corpus name, "
         "a newspaper page (.txt or .pdf), a folder of .txt files, several .txt files, or one table: .csv, .tsv, .jsonl or "
         ".parquet. Convert it to one of those, e.g. save the text as .txt."),
    ],
    ids=["text-column", "id-column", "meta-columns", "duplicate-ids", "id-column-on-folder", "unknown-extension"],
)
def test_analyze_input_mistakes_are_phrased_as_options(tmp_path, files, args, status, expected):
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    line = one_error_line(run("analyze", *args, "--out", "out", "--no-progress", cwd=tmp_path), status)
    assert line == f"consensus-nlp: error: {expected} (see 'consensus-nlp analyze --help')"
    assert not (tmp_path / "out").exists()


def test_analyze_k_larger_than_the_units_is_phrased_as_options(gov_reports_dir, tmp_path):
    texts = report_excerpts(gov_reports_dir, 800)
    (tmp_path / "r.jsonl").write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)),
                                      encoding="utf-8")
    line = one_error_line(run("analyze", "r.jsonl", "--units", "speech", "--k", "9", "--out", "out", "--no-progress",
                              cwd=tmp_path), 1)
    assert line.startswith("consensus-nlp: error: --k 9 is larger than the data: 4 units (speech), ")
    assert line.endswith("Ask for fewer topics, or use smaller units (--units 'paragraph').")
    assert "cn." not in line and "df" not in line


def test_analyze_warns_about_a_document_that_holds_its_text_twice(gov_reports_dir, tmp_path):
    """The 1991 government work report holds its text twice: one warning line, in the manifest and the report too."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("1990政府工作报告_李鹏", "1991政府工作报告_李鹏", "1992政府工作报告_李鹏"):
        (folder / f"{name}.txt").write_bytes((gov_reports_dir / f"{name}.txt").read_bytes())
    result = run("analyze", "reports", "--units", "speech", "--out", "out", "--no-progress", cwd=tmp_path)
    warning = ("document 1991政府工作报告_李鹏 holds a passage twice: characters 13321–26579 (12693 characters) repeat "
               "its text from character 14 on: its words are counted twice")
    assert one_error_line(result, 0) == f"consensus-nlp: warning: {warning}"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"] == [warning]
    assert warning in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_analyze_hashes_the_users_theme_file_and_input_in_the_manifest(gov_reports_dir, tmp_path):
    themes = tmp_path / "my_themes.yaml"
    themes.write_text("themes:\n  economy:\n    label: 经济\n    entries: ['*经济*', '*发展*']\n"
                      "  reform:\n    label: 改革\n    entries: ['*改革*']\n", encoding="utf-8")
    texts = report_excerpts(gov_reports_dir, 900)
    (tmp_path / "r.jsonl").write_text("".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                                      encoding="utf-8")
    result = run("analyze", "r.jsonl", "--themes", str(themes), "--units", "speech", "--out", "out", "--no-progress",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(themes.read_bytes()).hexdigest()
    assert manifest["user_resources"] == {"themes": {"path": str(themes), "sha256": digest}}
    assert manifest["parameters"]["themes_sha256"] == digest
    assert manifest["input"]["files"] == {"r.jsonl": hashlib.sha256((tmp_path / "r.jsonl").read_bytes()).hexdigest()}
    out = tmp_path / "out"
    assert manifest["outputs"]["report.html"] == hashlib.sha256((out / "report.html").read_bytes()).hexdigest()
    assert sorted(manifest["outputs"]) == sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    assert [c for c in read_csv(out / "emphasis.csv")[0]] == ["doc_id", "economy", "reform"]


# -- rough edges a new user meets (issue 23) ----------------------------------------------------------------------
KINDS_LISTED = "outline, formulation, parallelism, citation, slogan, quoted, statistic"


def test_tag_help_lists_the_kinds_as_accepted():
    result = run("tag", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.decode().split())
    assert (f"--kinds KIND[,KIND…] device kinds to tag, comma-separated: {KINDS_LISTED}, or a kind another package "
            "registered (default: all)") in help_text
    assert f"tag framing devices ({KINDS_LISTED})" in " ".join(run("--help").stdout.decode().split())


@pytest.mark.parametrize(("kinds", "message"), [
    ("formulations", "'formulations' is not a kind of device; did you mean 'formulation'?"),
    ("outline,metaphor", "'metaphor' is not a kind of device"),
    (",", "',' is not a kind of device"),
])
def test_tag_kinds_outside_the_list_exit_2_naming_the_accepted_kinds_in_option_terms(kinds, message):
    result = run("tag", "--kinds", kinds, stdin="一是加强学习。".encode())
    err = result.stderr.decode()
    assert result.returncode == 2 and result.stdout == b""
    assert err == (f"consensus-nlp tag: error: argument --kinds: {message} (accepted, comma-separated: {KINDS_LISTED}; "
                   "leave out --kinds for all of them) (see 'consensus-nlp tag --help')\n")
    assert "None" not in err and "kinds=" not in err


def test_library_advice_to_leave_an_argument_as_none_reads_as_an_option_to_leave_out():
    from consensus_nlp.cli import for_command_line
    from consensus_nlp.devices import tag_text
    from consensus_nlp.errors import UnknownNameError

    with pytest.raises(UnknownNameError) as info:
        tag_text("一是加强学习。", kinds=["formulations"])
    assert for_command_line(str(info.value)) == (
        f"--kinds 'formulations' is not a kind of device; accepted: {', '.join(map(repr, KINDS_LISTED.split(', ')))}. "
        "Leave out --kinds for all of them.")


def test_tag_text_format_keeps_one_device_per_line():
    text = "一是加强\n学习。\r\n二是深化\t改革\u2028创新。\n"
    result = run("tag", "--kinds", "outline", stdin=text.encode())
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split("\n") == [
        "0\t8\toutline\t一是\t一是加强\\n学习。",
        "10\t21\toutline\t二是\t二是深化\\t改革\\u2028创新。",
        "",
    ]
    rows = json.loads(run("tag", "--kinds", "outline", "--format", "json", stdin=text.encode()).stdout)
    assert [(r["start"], r["end"], r["text"]) for r in rows] == [(0, 8, text[0:8]), (10, 21, text[10:21])]


@pytest.mark.parametrize("make", [lambda d: d, lambda d: d / "*.txt", lambda d: d / "nothing-*.txt"],
                         ids=["empty-folder", "glob-in-empty-folder", "glob-matching-nothing"])
def test_inputs_that_name_no_file_are_usage_mistakes(tmp_path, make):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("not a .txt file", encoding="utf-8")
    target = make(tmp_path / "empty")
    line = one_error_line(run("analyze", str(target), "--out", "out", "--no-progress", cwd=tmp_path), 2)
    assert line.startswith("consensus-nlp: error: ") and line.endswith("(see 'consensus-nlp analyze --help')")
    assert str(target) in line and "paths_or_glob" not in line and "None" not in line
    assert not (tmp_path / "out").exists()


def test_segment_with_jieba_prints_no_engine_log_lines_and_leaves_jiebas_logger_as_it_was(tmp_path, capsys):
    result = run("segment", "--backend", "jieba", stdin="凝聚共识，建言资政。".encode())
    assert result.returncode == 0
    assert result.stderr.decode() == ""
    assert result.stdout.decode() == "凝聚共识 ， 建言资政 。\n"

    import logging

    import jieba  # noqa: F401  (its import sets its logger's level and handler: that is jieba's doing, not ours)

    from consensus_nlp.cli import main

    jieba_logger = logging.getLogger("jieba")
    before = (list(jieba_logger.filters), jieba_logger.level, list(jieba_logger.handlers))
    (tmp_path / "a.txt").write_text("凝聚共识", encoding="utf-8")
    assert main(["segment", "--backend", "jieba", str(tmp_path / "a.txt")]) == 0
    assert (list(jieba_logger.filters), jieba_logger.level, list(jieba_logger.handlers)) == before


def test_a_missing_extra_names_the_pip_command(monkeypatch, capsys, tmp_path):
    from consensus_nlp.cli import main

    monkeypatch.setitem(sys.modules, "dask", None)  # import dask fails as if it were not installed
    assert main(["analyze", "--scheduler", "threads", "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err == ('consensus-nlp: error: The optional package dask is not installed (processing by partitions (a scheduler, '
                   'lazy corpora) needs it). Install it: pip install "consensus-nlp[dask]". '
                   "(see 'consensus-nlp analyze --help')\n")
    assert not (tmp_path / "out").exists()


def test_progress_ends_its_line_before_the_summary_and_many_topics_for_few_units_are_warned(gov_reports_dir, tmp_path):
    texts = [t for excerpt in report_excerpts(gov_reports_dir, 1200) for t in excerpt.split("\n") if len(t) > 40][:15]
    assert len(texts) == 15
    (tmp_path / "short.jsonl").write_text("".join(json.dumps({"id": f"u{i}", "text": t}, ensure_ascii=False) + "\n"
                                                  for i, t in enumerate(texts)), encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([str(SCRIPT), "analyze", "short.jsonl", "--units", "speech", "--k", "10", "--out", "out",
                             "--progress"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path, env=env, timeout=600)
    merged = result.stdout.decode()
    assert result.returncode == 0, merged
    lines = [line.split("\r")[-1] for line in merged.split("\n")]  # as a terminal shows them: \r returns to the start
    warning = ("consensus-nlp: warning: --k 10 topics for 15 units (speech) is fewer than 3 units per topic: each topic "
               "rests on a unit or two and changes with the seed; ask for fewer topics (--k 2, the default for 15 units) "
               "or use smaller units (--units 'paragraph' or --units 'outline_item').")
    assert warning in lines  # a line of its own, not glued to the bar
    header = next(i for i, line in enumerate(lines) if "doc_id" in line)
    assert lines[header].split() == ["doc_id", "chars", "outline_items", "devices"]
    assert lines[header - 1].startswith("write: 100%|") and "8/8" in lines[header - 1]
    assert lines[-2] == f"report written to {Path('out') / 'report.html'}"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"][-1] == warning.split("warning: ", 1)[1].replace("--k ", "k=").replace(
        "--units ", "units=")


def test_tag_kinds_take_a_detector_another_package_registered(tmp_path, capsys):
    from consensus_nlp import registry
    from consensus_nlp.cli import main
    from consensus_nlp.devices import Device

    def find_exclamations(text):
        return [Device("exclamation", "！", i, i + 1, "！", {}) for i, c in enumerate(text) if c == "！"]

    (tmp_path / "a.txt").write_text("一是开展调研！二是做强品牌。", encoding="utf-8")
    registry.detectors.register("exclamation", loader=find_exclamations, source="test", licence="CC0", assigns=["exclamation"])
    try:
        assert main(["tag", "--kinds", "exclamation", str(tmp_path / "a.txt")]) == 0
        assert capsys.readouterr().out == "6\t7\texclamation\t！\t！\n"
        with pytest.raises(SystemExit) as info:  # argparse's exit for a bad --kinds value
            main(["tag", "--kinds", "exclamations", str(tmp_path / "a.txt")])
    finally:
        registry.detectors.unregister("exclamation")
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "consensus-nlp tag: error: argument --kinds: 'exclamations' is not a kind of device; did you mean 'exclamation'? "
        f"(accepted, comma-separated: {KINDS_LISTED}, exclamation; leave out --kinds for all of them) "
        "(see 'consensus-nlp tag --help')\n")


def test_engine_help_lists_the_engine_registry(capsys):
    from consensus_nlp import registry
    from consensus_nlp.cli import main

    def help_text() -> str:
        with pytest.raises(SystemExit) as exit_:
            main(["analyze", "--help"])
        assert exit_.value.code == 0
        return " ".join(capsys.readouterr().out.split())  # argparse wraps lines

    assert "--engine ENGINE topic model engine: tomotopy, gensim, sklearn, dmr, gdmr (default: tomotopy)" in help_text()
    registry.engines.register("my-lda", loader="consensus_nlp.models.engines:SKLEARN", source="a test", licence="MIT")
    try:
        assert "topic model engine: tomotopy, gensim, sklearn, dmr, gdmr, my-lda (default: tomotopy)" in help_text()
    finally:
        registry.engines.unregister("my-lda")
