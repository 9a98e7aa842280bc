"""The package as a whole: cheap import, no global side effects, error hierarchy, installed data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import consensus_nlp as cn
from consensus_nlp import errors

HEAVY = ("jieba", "pandas", "sklearn", "gensim", "spacy", "matplotlib", "tomotopy", "scipy", "numpy")


def _run(code: str, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_pulls_in_no_heavy_library():
    out = _run("import sys, consensus_nlp; print(sorted(m for m in %r if m in sys.modules))" % (HEAVY,))
    assert out.strip() == "[]"


def test_import_adds_only_a_null_handler_to_logging():
    out = _run(
        "import logging; before = (logging.root.handlers[:], logging.root.level);"
        "import consensus_nlp;"
        "after = (logging.root.handlers[:], logging.root.level);"
        "print(before == after, [type(h).__name__ for h in logging.getLogger('consensus_nlp').handlers])"
    )
    assert out.strip() == "True ['NullHandler']"


def test_every_public_name_resolves_to_what_it_names_whatever_the_import_order():
    """A public function never resolves to a submodule of the same name (cn.emphasis, cn.units, cn.normalize)."""
    out = _run(
        "import types, consensus_nlp as cn\n"
        "import consensus_nlp.models.emphasis, consensus_nlp.unitize, consensus_nlp.text.normalization, consensus_nlp.devices\n"
        "bad = [n for n in cn.__all__ if n not in ('errors', 'plot', 'fonts', 'registry') and isinstance(getattr(cn, n), types.ModuleType)]\n"
        "print(bad, callable(cn.emphasis), callable(cn.units), callable(cn.normalize), callable(cn.outline))"
    )
    assert out.strip() == "[] True True True True"


def test_dir_shows_the_public_api_only():
    """dir(cn) is __all__, whatever was imported before (subpackages, typing helpers, importlib, logging)."""
    import consensus_nlp.models.dtm  # noqa: F401  (binds cn.models, cn.text, cn.corpus ... as attributes)

    names = dir(cn)
    assert names == sorted(cn.__all__)
    assert [n for n in ("Any", "TYPE_CHECKING", "annotations", "importlib", "logging", "text", "models", "corpus",
                        "version") if n in names] == []
    assert "list_engines" in dir(cn) and "list_detectors" in dir(cn) and "registry" in dir(cn)
    assert [n for n in dir(cn) if n.startswith("_")] == ["__version__"]
    for name in dir(cn):  # everything listed resolves
        getattr(cn, name)


def test_version_is_the_same_in_the_package_pyproject_and_changelog():
    root = Path(__file__).resolve().parents[1]
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{cn.__version__}"\n' in pyproject
    assert cn.__version__ == "0.2.0"
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{cn.__version__}]" in changelog and "## [0.1.0]" in changelog


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'tokenise'"):
        cn.tokenise  # noqa: B018


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.InvalidArgumentError, ValueError),
        (errors.InputTypeError, TypeError),
        (errors.UnknownNameError, LookupError),
        (errors.EncodingDetectionError, UnicodeError),
        (errors.EmptyInputError, ValueError),
        (errors.LayoutError, ValueError),
        (errors.EmptyVocabularyError, ValueError),
        (errors.ModelInputError, ValueError),
    ],
)
def test_errors_subclass_the_library_base_and_the_builtin(cls, builtin):
    assert issubclass(cls, errors.ConsensusNLPError)
    assert issubclass(cls, builtin)


def test_describe_names_argument_value_accepted_and_todo():
    message = errors.describe("lexicon", "polit", "is not a known lexicon", accepted=["political", "none"],
                              todo="Pass one of those names.")
    assert message == "lexicon='polit' is not a known lexicon; accepted: 'political', 'none'. Pass one of those names."


def test_bundled_corpus_loads_from_another_directory(tmp_path):
    """After `pip install .` (CI installs non-editable) the corpus ships inside the package."""
    out = _run(
        "import json, consensus_nlp as cn, importlib.resources as r;"
        "c = cn.load_corpus('gansu-cppcc-2021');"
        "print(json.dumps({'n': len(c), 'speakers': [d.meta['speaker'] for d in c],"
        " 'corpora': cn.list_corpora(), 'file': cn.__file__,"
        " 'packaged': (r.files('consensus_nlp') / '_corpora' / 'gansu-cppcc-2021' / 'speeches.jsonl').is_file()}))",
        cwd=tmp_path,
    )
    info = json.loads(out)
    assert info["n"] == 7
    assert info["speakers"] == ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"]
    assert "gansu-cppcc-2021" in info["corpora"]
    installed_from_source_tree = Path(info["file"]).resolve().is_relative_to(Path(__file__).resolve().parents[1] / "src")
    # a regular (non-editable) install must carry the data inside the package
    assert info["packaged"] or installed_from_source_tree
