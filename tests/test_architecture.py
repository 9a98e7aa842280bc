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
    "_zh": set(),
    "pipeline": {"errors"},
    "corpus": {"errors", "io"},
    "io": {"errors", "_zh", "corpus", "io", "text"},
    "text": {"errors", "_zh", "corpus", "text"},
    "devices": {"errors", "_zh", "corpus", "devices"},
    "unitize": {"errors", "_zh", "corpus", "devices"},
    "models": {"errors", "_zh", "corpus", "text", "unitize", "models", "devices"},
    "viz": {"errors", "_zh", "models", "viz"},
    "report": {"errors", "_zh", "corpus", "io", "text", "devices", "unitize", "models", "viz", "report", "__init__", "integrations"},
    "integrations": {"errors", "_zh", "corpus", "io", "text", "devices", "unitize", "models", "integrations"},
    "cli": {"errors", "_zh", "corpus", "io", "text", "devices", "unitize", "models", "viz", "report", "__init__", "integrations"},
    # the package's __init__ names the public API: it imports errors and corpus eagerly and
    # everything else lazily (the table in __init__.py) or under TYPE_CHECKING
    "__init__": {"errors", "_zh", "corpus", "io", "text", "devices", "unitize", "models", "viz", "report", "integrations"},
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


ANYWHERE = {"version", "errors", "_zh", "pipeline"}  # leaf modules every stage may import


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


def test_imports_flow_down_the_pipeline():
    edges, _ = _edges()
    upward = sorted(
        f"{m} -> {t}" for m, ts in edges.items() for t in ts
        if _stage(t) not in ALLOWED[_stage(m)] | ANYWHERE and _stage(t) != _stage(m)
    )
    assert upward == []


def test_no_private_name_is_imported_from_another_module():
    _, private = _edges()
    assert private == []


def test_every_stage_is_declared():
    stages = {_stage(m) for m in _modules()}
    assert stages <= set(ALLOWED), stages - set(ALLOWED)
