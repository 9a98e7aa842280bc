"""The report folder is written all or nothing, never through a symbolic link, never deleting what is not ours."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consensus_nlp.errors import InvalidArgumentError, UnknownNameError
from consensus_nlp.report import OutputFolder, analyze, stages, verify_outputs
from consensus_nlp.report import lock as lock_module
from consensus_nlp.report import outputs as outputs_module
from consensus_nlp.report.outputs import CRASH_ENV
from consensus_nlp.report.analysis import is_output_name

SCRIPT = Path(sys.executable).parent / "consensus-nlp"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of a folder: bytes of files, the target of links, the entries of folders."""
    return {p.name: (f"-> {os.readlink(p)}" if p.is_symlink() else snapshot(p) if p.is_dir() else p.read_bytes())
            for p in sorted(folder.iterdir())}


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


def write_run(out: Path, run: Path) -> None:
    """Write the files of the finished run in ``run`` into ``out`` as a run writes them (manifest.json last)."""
    names = [*json.loads((run / "manifest.json").read_text(encoding="utf-8"))["outputs"], "manifest.json"]
    with OutputFolder(out, owns=is_output_name) as folder:
        for name in names:
            folder.write(name, (run / name).read_bytes())
        folder.commit()


def test_a_failed_rename_during_the_commit_puts_the_previous_files_back(runs, previous, monkeypatch):
    """The commit of the seed-0 run's files over the seed-1 run, failing at its rename k, for every k."""
    current = runs[1].out_dir
    before = snapshot(previous)
    real_replace = os.replace
    monkeypatch.setattr(outputs_module.os, "fsync", lambda fd: None)  # what is tested is the renames: quicker without
    for k in itertools.count():  # fail at rename k, for every k, until a run has no rename k left to fail
        calls = []

        def failing_replace(src, dst, _k=k, _calls=calls):
            _calls.append(dst)
            if len(_calls) == _k + 1:
                raise OSError(f"disk full at rename {_k}")
            return real_replace(src, dst)

        monkeypatch.setattr(outputs_module.os, "replace", failing_replace)
        try:
            write_run(previous, current)
        except OSError as exc:
            assert "disk full" in str(exc)
        else:
            break
        finally:
            monkeypatch.setattr(outputs_module.os, "replace", real_replace)
        assert snapshot(previous) == before, k
        assert verify_outputs(previous) == []
    assert k >= 2 * 29 + 1  # the journal, then each output: the old file out, the new one in
    assert verify_outputs(previous) == [] and (previous / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert snapshot(previous) == {**snapshot(current), "notes.txt": b"mine"}


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


def test_a_forged_manifest_listing_the_users_files_with_their_true_hashes_costs_no_file(cached, tmp_path):
    """The names a run removes are the names this version writes, whatever a manifest of "consensus-nlp" lists."""
    out = tmp_path / "out"
    out.mkdir()
    user = {"thesis.docx": b"PK\x03\x04 my thesis", "data.csv": b"id,value\n1,2\n", "notes.png": b"\x89PNG mine"}
    for name, data in user.items():
        (out / name).write_bytes(data)
    (out / "manifest.json").write_text(json.dumps({"generator": "consensus-nlp", "outputs": {
        name: sha(data) for name, data in user.items()}}), encoding="utf-8")
    result = analyze(out_dir=out, progress=False)
    assert {name: (out / name).read_bytes() for name in user} == user
    assert verify_outputs(out) == [] and result.manifest["random_state"] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*result.manifest["outputs"], "manifest.json", *user])


def test_a_forged_journal_is_refused_and_nothing_is_moved(cached, previous):
    staging = previous / ".consensus-nlp-staging-forged"
    staging.mkdir()
    (previous / "thesis.docx").write_bytes(b"my thesis")
    (previous / ".consensus-nlp-journal.json").write_text(json.dumps({
        "generator": "consensus-nlp", "staging": staging.name,
        "steps": [["remove", "thesis.docx", sha(b"my thesis")], ["place", "manifest.json", sha(b"{}")]]}), encoding="utf-8")
    before = snapshot(previous)
    with pytest.raises(InvalidArgumentError, match=r"holds a commit journal consensus-nlp cannot use .*"
                                                   r"names 'thesis.docx', which consensus-nlp does not write"):
        analyze(out_dir=previous, progress=False)
    assert snapshot(previous) == before and verify_outputs(previous)[0].endswith("the next run into this folder finishes its commit")


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(child.stdout)


def test_the_lock_of_a_dead_run_of_this_host_is_taken_over_with_a_notice(cached, previous, caplog):
    lock = previous / ".consensus-nlp.lock"
    pid = dead_pid()
    lock.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "started": "2026-01-01T00:00:00Z"}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="consensus_nlp"):
        result = analyze(out_dir=previous, progress=False)
    assert [r.getMessage() for r in caplog.records if r.name == "consensus_nlp.report.lock"] == [
        f"took over the lock {lock} left by a consensus-nlp run that no longer runs "
        f"(pid {pid} on {socket.gethostname()} since 2026-01-01T00:00:00Z)"]
    assert verify_outputs(previous) == [] and result.manifest["random_state"] == 0 and not lock.exists()


@pytest.mark.parametrize("host, problem, todo", [
    ("elsewhere.example", "is locked by a consensus-nlp run on another host",
     "If no run is active on elsewhere.example, delete {lock} and run again."),
    (socket.gethostname(), "is being written by another consensus-nlp run",
     "Wait for that run to finish, or choose another folder."),
])
def test_the_lock_of_a_live_run_or_of_another_host_still_refuses(cached, previous, host, problem, todo):
    """A lock file without flock (as on a file system that ignores it) whose process runs, here or on another host."""
    lock = previous / ".consensus-nlp.lock"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    holder = {"pid": live.pid, "pid_start": lock_module.process_start(live.pid), "host": host}
    try:
        _refused(previous, lock, holder, problem, todo)
    finally:
        live.kill()
        live.wait()


def _refused(previous, lock, holder, problem, todo):
    lock.write_text(json.dumps({**holder, "started": "2026-01-01T00:00:00Z"}), encoding="utf-8")
    before = snapshot(previous)
    with pytest.raises(InvalidArgumentError) as info:
        analyze(out_dir=previous, progress=False)
    assert str(info.value) == (
        f"out_dir={str(previous)!r} {problem} (lock file {lock}, held by pid {holder['pid']} on {holder['host']} since "
        f"2026-01-01T00:00:00Z); accepted: a folder no other run is writing to. {todo.format(lock=lock)}")
    assert snapshot(previous) == before


def test_a_process_is_alive_only_if_it_runs_and_started_when_the_lock_says():
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        start = lock_module.process_start(live.pid)
        assert start is not None and start.isdigit()
        assert lock_module.process_alive(live.pid, start) and lock_module.process_alive(live.pid)
        assert not lock_module.process_alive(live.pid, str(int(start) + 1))  # the pid of a killed run, now reused
    finally:
        live.kill()
        live.wait()
    assert not lock_module.process_alive(live.pid) and not lock_module.process_alive(dead_pid())
    assert not lock_module.process_alive(10**30) and not lock_module.process_alive("12") and not lock_module.process_alive(0)


# -- SIGKILL at many points of real command-line runs ----------------------------------------------------------------
USER_FILES = {"notes.txt": b"mine", "thesis.docx": b"PK\x03\x04 my thesis"}
FULL_KILL_RUN = os.environ.get("CONSENSUS_NLP_SIGKILL") == "full"


@pytest.fixture(scope="module")
def commit_steps(runs, tmp_path_factory):
    """The steps on disk of a seed-0 run over the seed-1 run (the same steps as the command line's run below)."""
    out = tmp_path_factory.mktemp("steps") / "out"
    shutil.copytree(runs[0], out)
    labels = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OutputFolder, "_step", lambda self, label: labels.append(label))
        analyze(out_dir=out, random_state=0, progress=False)
    return labels


def kill_points(labels: list[str], *, full: bool) -> list[int]:
    """1-based steps to kill the run after: staging, the journal, renames, manifest.json set aside, the end."""
    index = {label: i + 1 for i, label in enumerate(labels)}
    renames = [i + 1 for i, label in enumerate(labels) if label.startswith(("set aside", "place", "remove"))]
    quick = [index["stage report.html"], renames[len(renames) // 2], index["set aside manifest.json"]]
    if not full:
        return quick
    spread = list(range(1, len(labels) + 1, max(1, len(labels) // 16)))
    return sorted({*quick, *spread, index["journal"], index["set aside manifest.json"] - 1, index["place manifest.json"],
                   index["commit"], len(labels)})


def check_one_complete_run(out: Path, copy: Path, *, killed_after: str, journal_at: int, step: int) -> int:
    """The folder holds one complete run (after the journal, once its commit is replayed: on a copy); its seed."""
    if (out / ".consensus-nlp-journal.json").exists():
        assert journal_at <= step
        shutil.copytree(out, copy, symlinks=True)
        with OutputFolder(copy, owns=is_output_name):  # what the next run does first
            pass
        out = copy
    assert verify_outputs(out) == [], killed_after
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted([*manifest["outputs"], "manifest.json", *USER_FILES]), killed_after  # no file of the other run
    assert {name: (out / name).read_bytes() for name in USER_FILES} == USER_FILES
    assert manifest["random_state"] == (1 if step < journal_at else 0), killed_after
    return manifest["random_state"]


@pytest.mark.parametrize("profile", ["quick", pytest.param("full", marks=pytest.mark.skipif(
    not FULL_KILL_RUN, reason="the full SIGKILL run (25 points, 50 command-line runs, minutes): "
                             "CONSENSUS_NLP_SIGKILL=full"))])
def test_sigkill_at_any_step_of_a_real_run_leaves_one_complete_run_and_the_next_run_finishes(
        runs, commit_steps, tmp_path, profile):
    out = tmp_path / "out"
    shutil.copytree(runs[0], out)
    for name, data in USER_FILES.items():
        (out / name).write_bytes(data)
    points = kill_points(commit_steps, full=profile == "full")
    assert len(points) >= (20 if profile == "full" else 3)
    journal_at = commit_steps.index("journal") + 1
    command = [str(SCRIPT), "analyze", "--out", str(out), "--no-progress"]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    seen = set()
    for step in points:
        killed_after = f"killed after step {step} ({commit_steps[step - 1]})"
        killed = subprocess.run([*command, "--seed", "0"], capture_output=True, env={**env, CRASH_ENV: str(step)}, timeout=300)
        assert killed.returncode == -signal.SIGKILL, (killed_after, killed.stderr.decode())
        pending = (out / ".consensus-nlp-journal.json").exists()
        seen.add(check_one_complete_run(out, tmp_path / f"copy-{step}", killed_after=killed_after,
                                        journal_at=journal_at, step=step))
        after = subprocess.run([*command, "--seed", "1"], capture_output=True, env=env, timeout=300)
        err = after.stderr.decode()
        assert after.returncode == 0, (killed_after, err)
        assert f"consensus-nlp: warning: took over the lock {out / '.consensus-nlp.lock'} left by a consensus-nlp run " \
               "that no longer runs (pid " in err, killed_after
        assert ("finished the commit of a run that was stopped" in err) == pending, killed_after
        assert verify_outputs(out) == [] and json.loads((out / "manifest.json").read_text(encoding="utf-8"))["random_state"] == 1
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [], killed_after
        assert {name: (out / name).read_bytes() for name in USER_FILES} == USER_FILES
    assert seen == {0, 1}


def test_a_symbolic_link_at_the_lock_name_is_refused_and_not_followed(cached, previous, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    (previous / ".consensus-nlp.lock").symlink_to(outside)
    before = snapshot(previous)
    with pytest.raises(InvalidArgumentError, match=r"holds a symbolic link or a folder at the name of its lock file"):
        analyze(out_dir=previous, progress=False)
    assert outside.read_bytes() == b"precious" and snapshot(previous) == before


# -- the journal, in one process: a "kill" (an exception nothing catches) after every step of small runs --------------
SMALL = re.compile(r"[abc]\.csv|manifest\.json").fullmatch


class Killed(BaseException):
    """Stands for SIGKILL: the commit's own clean-up (roll back, remove the journal, the staging folder) is skipped."""


def small_run(out: Path, files: dict[str, bytes], *, kill_at: int | None = None) -> list[str]:
    labels: list[str] = []
    folder = OutputFolder(out, owns=SMALL)

    def step(label: str) -> None:
        labels.append(label)
        if len(labels) == kill_at:
            raise Killed(label)

    folder._step = step
    folder.open()
    try:
        for name, data in files.items():
            folder.write(name, data)
        folder.write("manifest.json", folder.manifest_bytes({"run": files["a.csv"].decode()}))
        folder.commit()
        folder.close()
    except Killed:  # a killed process runs no clean-up: its lock file, staging folder and journal stay
        os.close(folder._lock._fd)  # and the kernel releases its flock
    return labels


def small_state(out: Path) -> tuple[str, list[str]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert verify_outputs(out) == []
    return manifest["run"], sorted(p.name for p in out.iterdir())


def test_a_kill_after_any_step_of_the_commit_is_finished_or_undone_by_the_next_open(tmp_path, caplog):
    first, second = {"a.csv": b"1", "b.csv": b"1", "c.csv": b"1"}, {"a.csv": b"2", "b.csv": b"2"}  # c.csv: stale
    base = tmp_path / "base"
    small_run(base, first)
    (base / "thesis.docx").write_bytes(b"mine")
    shutil.copytree(base, tmp_path / "count")
    labels = small_run(tmp_path / "count", second)
    assert labels == ["stage a.csv", "stage b.csv", "stage manifest.json", "journal", "set aside a.csv", "place a.csv",
                      "set aside b.csv", "place b.csv", "remove c.csv", "set aside manifest.json", "place manifest.json",
                      "commit", "clean up"]
    journal_at, commit_at = labels.index("journal") + 1, labels.index("commit") + 1
    for k in range(1, len(labels) + 1):
        out = tmp_path / f"kill-{k}"
        shutil.copytree(base, out)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(outputs_module, "roll_back", lambda journal: None)  # a killed run undoes nothing
            if k < commit_at:
                patch.setattr(outputs_module.Journal, "remove", lambda self: None)
            small_run(out, second, kill_at=k)
        pending = journal_at <= k < commit_at
        assert (out / ".consensus-nlp-journal.json").exists() == pending, k
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="consensus_nlp"):
            with OutputFolder(out, owns=SMALL):  # the next run: takes over the lock, replays the journal
                pass
        expected = ["a.csv", "b.csv", "c.csv"] if k < journal_at else ["a.csv", "b.csv"]
        assert small_state(out) == ("1" if k < journal_at else "2", [*expected, "manifest.json", "thesis.docx"]), k
        assert (out / "thesis.docx").read_bytes() == b"mine"
        messages = [r.getMessage() for r in caplog.records]
        assert [m.split(" ", 3)[:3] for m in messages] == [["took", "over", "the"], *[["finished", "the", "commit"]] * pending]


def test_an_interrupted_commit_whose_staged_file_is_gone_is_undone(tmp_path, monkeypatch, caplog):
    out = tmp_path / "out"
    small_run(out, {"a.csv": b"1", "b.csv": b"1", "c.csv": b"1"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outputs_module, "roll_back", lambda journal: None)
        patch.setattr(outputs_module.Journal, "remove", lambda self: None)
        labels = small_run(out, {"a.csv": b"2", "b.csv": b"2"}, kill_at=6)  # after "place a.csv"
    assert labels[-1] == "place a.csv"
    staging = next(p for p in out.iterdir() if p.name.startswith(".consensus-nlp-staging-"))
    (staging / "b.csv").unlink()  # someone removed a staged file: the commit cannot be finished
    with caplog.at_level(logging.WARNING, logger="consensus_nlp"):
        with OutputFolder(out, owns=SMALL):
            pass
    assert small_state(out) == ("1", ["a.csv", "b.csv", "c.csv", "manifest.json"])
    assert any(r.getMessage().startswith(f"undid the commit of a run that was stopped while replacing the files of {out} "
                                         "(b.csv is neither staged nor in place)") for r in caplog.records)
