"""The report folder is written all or nothing, never through a symbolic link, never deleting what is not ours."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consensus_nlp.errors import InvalidArgumentError, UnknownNameError
from consensus_nlp.report import OutputFolder, analyze, stages, verify_outputs
from consensus_nlp.report import outputs as outputs_module
from consensus_nlp.report.analysis import is_output_name

SCRIPT = Path(sys.executable).parent / "consensus-nlp"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of a folder: bytes of files, the target of links."""
    return {p.name: (f"-> {os.readlink(p)}" if p.is_symlink() else p.read_bytes()) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A previous run (seed 1) to copy into each test's folder, and the stage results and figures of a seed-0 run."""
    base = tmp_path_factory.mktemp("runs")
    analyze(out_dir=base / "previous", random_state=1, progress=False)
    current = analyze(out_dir=base / "current", random_state=0, progress=False)
    return base / "previous", current, current.stages["figures"]


@pytest.fixture()
def cached(runs, monkeypatch):
    """analyze with the seed-0 stage results taken from the cache: only the writing runs again."""
    _, current, figures = runs
    for name, key in (("read", "read"), ("segment", "segment"), ("find_devices", "devices"),
                      ("measure_emphasis", "emphasis"), ("fit_unit_topics", "topics"), ("compare_groups", "groups")):
        monkeypatch.setattr(stages, name, lambda *a, _key=key, **k: current.stages[_key])
    monkeypatch.setattr(stages, "draw_figures", lambda *a, **k: figures)
    return current


@pytest.fixture()
def previous(runs, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(runs[0], out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    return out


def test_the_two_runs_differ_so_a_mixed_folder_would_show(runs, previous):
    _, current, _ = runs
    assert verify_outputs(previous) == []
    assert verify_outputs(current.out_dir) == []
    manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "consensus-nlp" and manifest["random_state"] == 1
    assert "report.html" in manifest["outputs"]
    assert manifest["outputs"]["doc_topics.csv"] != current.manifest["outputs"]["doc_topics.csv"]


def test_a_crash_at_any_output_file_leaves_the_previous_run(cached, previous, monkeypatch):
    before = snapshot(previous)
    n_files = len(cached.manifest["outputs"]) + 1  # and manifest.json
    assert n_files >= 20
    real_write = OutputFolder.write
    for k in range(n_files):
        calls = []

        def failing_write(self, name, data, _k=k, _calls=calls):
            _calls.append(name)
            if len(_calls) == _k + 1:
                raise RuntimeError(f"crash while writing {name}")
            return real_write(self, name, data)

        monkeypatch.setattr(OutputFolder, "write", failing_write)
        with pytest.raises(RuntimeError, match="crash while writing"):
            analyze(out_dir=previous, progress=False)
        assert snapshot(previous) == before, (k, calls[-1])
        assert verify_outputs(previous) == [], (k, calls[-1])
    assert calls[-1] == "manifest.json"
    monkeypatch.setattr(OutputFolder, "write", real_write)
    result = analyze(out_dir=previous, progress=False)  # and then a run that completes replaces it
    assert verify_outputs(previous) == [] and result.manifest["random_state"] == 0
    assert (previous / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in previous.iterdir()) == sorted([*result.manifest["outputs"], "manifest.json", "notes.txt"])


def test_a_failed_rename_during_the_commit_puts_the_previous_files_back(cached, previous, monkeypatch):
    before = snapshot(previous)
    real_replace = os.replace
    for k in itertools.count():  # fail at rename k, for every k, until a run has no rename k left to fail
        calls = []

        def failing_replace(src, dst, _k=k, _calls=calls):
            _calls.append(dst)
            if len(_calls) == _k + 1:
                raise OSError(f"disk full at rename {_k}")
            return real_replace(src, dst)

        monkeypatch.setattr(outputs_module.os, "replace", failing_replace)
        try:
            analyze(out_dir=previous, progress=False)
        except OSError as exc:
            assert "disk full" in str(exc)
        else:
            break
        finally:
            monkeypatch.setattr(outputs_module.os, "replace", real_replace)
        assert snapshot(previous) == before, k
        assert verify_outputs(previous) == []
    assert k >= 2 * 20  # each output: the old file out, the new one in
    assert verify_outputs(previous) == [] and (previous / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_failed_run_into_a_new_folder_leaves_no_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        analyze(tmp_path / "missing.txt", out_dir=tmp_path / "new", progress=False)
    assert not (tmp_path / "new").exists()


def test_by_with_a_slash_fails_before_anything_is_deleted(runs, previous):
    before = snapshot(previous)
    with pytest.raises(UnknownNameError, match="by='no/such' is not a metadata field"):
        analyze(out_dir=previous, by="no/such", progress=False)
    assert snapshot(previous) == before
    assert not [p for p in previous.iterdir() if p.name.startswith(".consensus-nlp")]


def test_a_symbolic_link_at_an_output_name_is_refused_and_its_target_untouched(previous, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("precious", encoding="utf-8")
    (previous / "documents.csv").unlink()
    (previous / "documents.csv").symlink_to(outside)
    before = snapshot(previous)
    with pytest.raises(InvalidArgumentError, match=r"documents\.csv \(a symbolic link\)"):
        analyze(out_dir=previous, progress=False)
    assert outside.read_text(encoding="utf-8") == "precious"
    assert snapshot(previous) == before


def test_an_out_dir_that_is_a_symbolic_link_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(InvalidArgumentError, match="is a symbolic link"):
        analyze(out_dir=tmp_path / "link", progress=False)
    assert list(real.iterdir()) == []


def test_a_forged_manifest_cannot_make_analyze_delete_outside_or_changed_files(cached, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside")
    (out / "link.txt").symlink_to(outside)
    (out / "notes.txt").write_bytes(b"mine")
    (out / "manifest.json").write_text(json.dumps({"generator": "consensus-nlp", "outputs": {
        "link.txt": sha(b"outside"), "../outside.txt": sha(b"outside"), str(outside): sha(b"outside"),
        "notes.txt": sha(b"not what is there")}}), encoding="utf-8")
    analyze(out_dir=out, progress=False)
    assert outside.read_bytes() == b"outside"
    assert (out / "link.txt").is_symlink() and (out / "notes.txt").read_bytes() == b"mine"
    assert verify_outputs(out) == []


def test_another_tools_manifest_is_refused_and_nothing_is_deleted(cached, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_bytes(b"mine")
    (out / "manifest.json").write_text(json.dumps({"outputs": {"notes.txt": sha(b"mine")}}), encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(InvalidArgumentError, match=r"manifest\.json \(not written by consensus-nlp\)"):
        analyze(out_dir=out, progress=False)
    assert snapshot(out) == before


def test_an_edited_output_is_not_overwritten(cached, previous):
    (previous / "keyness.csv").write_text("my corrections", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=r"keyness\.csv \(changed since consensus-nlp wrote it\)"):
        analyze(out_dir=previous, progress=False)
    assert (previous / "keyness.csv").read_text(encoding="utf-8") == "my corrections"


def test_a_second_run_into_a_locked_folder_stops_with_the_lock_named(cached, tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out, owns=is_output_name):
        with pytest.raises(InvalidArgumentError) as info:
            analyze(out_dir=out, progress=False)
        message = str(info.value)
        assert f"is being written by another consensus-nlp run (lock file {out / '.consensus-nlp.lock'}, held by pid {os.getpid()}" in message
        assert message.endswith("Wait for that run to finish, or choose another folder.")
    assert not out.exists()  # the first holder created it and wrote nothing


def test_two_concurrent_command_line_runs(gov_reports_dir, tmp_path):
    """The first run holds the lock while it works; the second stops at once with one line naming the lock and
    status 2; the first, interrupted, removes its lock and staging folder and leaves the user's file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    first = subprocess.Popen([str(SCRIPT), "analyze", str(gov_reports_dir), "--units", "paragraph", "--out", str(out),
                              "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 120
        while not (out / ".consensus-nlp.lock").exists():
            assert first.poll() is None and time.monotonic() < deadline, first.stderr.read().decode() if first.poll() else "slow"
            time.sleep(0.05)
        second = subprocess.run([str(SCRIPT), "analyze", "--out", str(out), "--no-progress"], capture_output=True,
                                env=env, timeout=300)
        assert first.poll() is None, "the first run ended before the second was refused: use a longer first run"
    finally:
        first.send_signal(signal.SIGINT)
        _, err_first = first.communicate(timeout=120)
    err = second.stderr.decode().strip()
    assert second.returncode == 2, err
    assert len(err.splitlines()) == 1
    assert err.startswith(f"consensus-nlp: error: --out '{out}' is being written by another consensus-nlp run "
                          f"(lock file {out / '.consensus-nlp.lock'}, held by pid {first.pid} on ")
    assert first.returncode == 130, err_first.decode()
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
