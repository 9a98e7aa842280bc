"""The package layout is the pipeline: no import cycles, no upward imports, no private names across modules."""

from __future__ import annotations

import ast
from pathlib import Path

import consensus_nlp

ROOT = Path(consensus_nlp.__file__).resolve().parent

# stage of each top-level module or package; a module may import only from stages listed for it
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "version": set(),
    "registry": {"errors"},  # names -> loaders (import strings): imports nothing of the pipeline
    "_zh": set(),
    "pipeline": {"errors"},
    "docvars": {"errors"},
    "corpus": {"errors", "docvars"},  # data only: reaches io/ by name (corpus.IO_MODULE), never by an import
    "io": {"errors", "_zh", "corpus", "docvars", "io", "text"},
    "text": {"errors", "_zh", "corpus", "docvars", "text"},
    "devices": {"errors", "_zh", "corpus", "docvars", "devices"},
    "unitize": {"errors", "_zh", "corpus", "docvars", "devices"},
    "models": {"errors", "_zh", "corpus", "docvars", "text", "unitize", "models", "devices"},
    "viz": {"errors", "_zh", "models", "viz"},
    "report": {"errors", "_zh", "corpus", "docvars", "io", "text", "devices", "unitize", "models", "viz", "report", "__init__", "integrations"},
    "integrations": {"errors", "_zh", "corpus", "docvars", "io", "text", "devices", "unitize", "models", "integrations"},
    "cli": {"errors", "_zh", "corpus", "docvars", "io", "text", "devices", "unitize", "models", "viz", "report", "__init__", "integrations"},
    # the package's __init__ names the public API: it imports errors and corpus eagerly and
    # everything else lazily (the table in __init__.py) or under TYPE_CHECKING
    "__init__": {"errors", "_zh", "corpus", "docvars", "io", "text", "devices", "unitize", "models", "viz", "report", "integrations"},
}


def _modules() -> dict[str, Path]:
    mods = {}
    for f in ROOT.rglob("*.py"):
        rel = f.relative_to(ROOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        mods[".".join(parts)] = f
    return mods


def _edges() -> tuple[dict[str, set[str]], list[str]]:
    mods = _modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    private = []
    for m, f in mods.items():
        pkg = m if f.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                if not base.startswith("consensus_nlp"):
                    continue
                for alias in node.names:
                    target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in mods else base
                    if target in mods and target != m:
                        edges[m].add(target)
                    if alias.name.startswith("_") and not alias.name.startswith("__") and target != m:
                        private.append(f"{m} imports {alias.name} from {base}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("consensus_nlp.") and alias.name in mods:
                        edges[m].add(alias.name)
    return edges, private


ANYWHERE = {"version", "errors", "_zh", "registry", "pipeline"}  # leaf modules every stage may import


def _stage(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def test_no_import_cycle_between_modules():
    edges, _ = _edges()
    # a package's __init__ re-exporting its own submodules is not a cycle of the layout
    graph = {m: {t for t in ts if not (m == t.rsplit(".", 1)[0])} for m, ts in edges.items()}
    cycles, state = [], {}

    def visit(v: str, path: list[str]) -> None:
        state[v] = 1
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                cycles.append(" -> ".join(path[path.index(w):] + [w]) if w in path else f"{v} -> {w}")
            elif w not in state:
                visit(w, path + [w])
        state[v] = 2

    for v in sorted(graph):
        if v not in state:
            visit(v, [v])
    assert cycles == []


def _upward(edges: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{m} -> {t}" for m, ts in edges.items() for t in ts
        if _stage(t) not in ALLOWED[_stage(m)] | ANYWHERE and _stage(t) != _stage(m)
    )


def test_imports_flow_down_the_pipeline():
    edges, _ = _edges()
    assert _upward(edges) == []


def test_an_import_that_runs_upward_is_caught():
    """The check can fail: corpus -> io (as corpus.py imported the decoder until 0.2) and text -> models are reported."""
    edges, _ = _edges()
    edges["consensus_nlp.corpus"] = edges["consensus_nlp.corpus"] | {"consensus_nlp.io.files"}
    edges["consensus_nlp.text.tokens"] = edges["consensus_nlp.text.tokens"] | {"consensus_nlp.models.dtm"}
    assert _upward(edges) == ["consensus_nlp.corpus -> consensus_nlp.io.files",
                              "consensus_nlp.text.tokens -> consensus_nlp.models.dtm"]


def test_corpus_reaches_io_only_by_name():
    """corpus.py imports nothing from io/ (not even inside a function) and its io module exists."""
    import importlib

    from consensus_nlp import corpus

    edges, _ = _edges()
    assert {t for t in edges["consensus_nlp.corpus"] if _stage(t) == "io"} == set()
    module = importlib.import_module(corpus.IO_MODULE)
    assert all(hasattr(module, name) for name in ("corpus_from_files", "corpus_from_jsonl", "corpus_from_parquet",
                                                  "corpus_from_dataframe", "write_jsonl", "duplicates_frame"))


MAX_LINES = 500


def test_every_module_is_short_or_its_length_is_explained():
    """A module over 500 lines is listed, with a reason, under "Modules over 500 lines" in docs/architecture.md."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## Modules over 500 lines", 1)[1].split("\n## ", 1)[0] if "## Modules over 500 lines" in doc else ""
    explained = {line.split("`")[1] for line in section.splitlines() if line.startswith("- `") and " — " in line}
    long = {str(f.relative_to(ROOT)) for f in ROOT.rglob("*.py")
            if len(f.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long <= explained, long - explained


def test_no_private_name_is_imported_from_another_module():
    _, private = _edges()
    assert private == []


def test_every_stage_is_declared():
    stages = {_stage(m) for m in _modules()}
    assert stages <= set(ALLOWED), stages - set(ALLOWED)
