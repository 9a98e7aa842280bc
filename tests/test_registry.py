"""Registries: names -> loaders with the sha256 of their files, read by list_*, the manifest, and extended by entry points."""

from __future__ import annotations

import hashlib
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import consensus_nlp as cn
from consensus_nlp import registry
from consensus_nlp.errors import InputTypeError, InvalidArgumentError, UnknownNameError
from consensus_nlp.models import engines
from consensus_nlp.report.manifest import resource_hashes

PACKAGE = Path(cn.__file__).resolve().parent
REPO = Path(__file__).resolve().parents[1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- contents ---------------------------------------------------------------------------------------------
def test_every_registry_lists_the_package_entries_in_declaration_order():
    assert {kind: reg.names() for kind, reg in registry.registries().items()} == {
        "lexicons": ["political", "none"],
        "stopwords": ["boilerplate", "default", "enumeration", "function", "iso"],
        "themes": ["cppcc"],
        "corpora": ["gansu-cppcc-2021"],
        "engines": ["tomotopy", "gensim", "sklearn", "dmr", "gdmr"],
        "detectors": ["outline", "formulation", "parallelism", "citation", "slogan", "quoted", "statistic"],
        "data": ["positions", "organizations", "page-cues", "radicals", "glyph-aliases", "common-chars", "device-rules",
                 "formulations"],
    }


def test_list_functions_read_the_registries():
    assert cn.list_lexicons() == ["political", "none"]
    assert cn.list_stopwords() == ["boilerplate", "default", "enumeration", "function", "iso"]
    assert cn.list_themes() == ["cppcc"]
    assert cn.list_corpora() == ["gansu-cppcc-2021"]
    assert cn.list_engines() == ["tomotopy", "gensim", "sklearn", "dmr", "gdmr"]
    from consensus_nlp.devices import KINDS

    assert cn.list_detectors() == list(KINDS)


def test_hashes_are_the_sha256_of_the_files():
    political = registry.lexicons.get("political")
    assert political.path == PACKAGE / "lexicons" / "political.txt"
    assert political.sha256 == _sha(PACKAGE / "lexicons" / "political.txt")
    assert political.hashes() == {"lexicons/political.txt": _sha(PACKAGE / "lexicons" / "political.txt")}
    assert registry.themes.get("cppcc").sha256 == _sha(PACKAGE / "lexicons" / "themes" / "cppcc.yaml")
    # several files: the sha256 of their "<sha256>  <file>" lines, sorted by file (as sha256sum writes them)
    formulation = registry.detectors.get("formulation")
    lines = "".join(f"{_sha(PACKAGE / f)}  {f}\n" for f in sorted(formulation.files))
    assert formulation.files == ("devices/data/formulations.json", "devices/data/rules.json")
    assert formulation.sha256 == hashlib.sha256(lines.encode()).hexdigest()
    corpus = registry.corpora.get("gansu-cppcc-2021")  # the source checkout's copy when the package has none
    folder = PACKAGE / "_corpora" / "gansu-cppcc-2021"
    folder = folder if folder.is_dir() else REPO / "corpora" / "gansu-cppcc-2021"
    assert corpus.hashes() == {f"_corpora/gansu-cppcc-2021/{n}": _sha(folder / n)
                               for n in ("speeches.jsonl", "corpus.json", "page.txt")}
    assert registry.stopwords.get("iso").sha256 is None  # no file: its list's hash covers version and words


def test_stopword_and_lexicon_records_use_the_registry_hashes():
    assert cn.text.stopwords.stopword_hashes(["default", "boilerplate"]) == {
        "function": _sha(PACKAGE / "lexicons" / "stopwords" / "function.txt"),
        "boilerplate": _sha(PACKAGE / "lexicons" / "stopwords" / "boilerplate.txt")}
    assert cn.Segmenter(lexicon="political").params["lexicon_sha256"] == registry.lexicons.get("political").sha256


def test_the_manifest_hashes_exactly_what_the_registries_declare():
    files = ["devices/data/formulations.json", "devices/data/rules.json", "lexicons/common_chars.txt",
             "lexicons/glyph_aliases.tsv", "lexicons/organizations.tsv", "lexicons/page_cues.txt", "lexicons/political.txt", "lexicons/positions.txt",
             "lexicons/radicals.tsv", "lexicons/stopwords/boilerplate.txt", "lexicons/stopwords/enumeration.txt",
             "lexicons/stopwords/function.txt", "lexicons/themes/cppcc.yaml"]
    assert resource_hashes() == {f: _sha(PACKAGE / f) for f in files}
    every_data_file = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
                             if p.suffix in (".txt", ".tsv", ".json", ".yaml") and "_corpora" not in p.parts)
    assert every_data_file == files  # a data file added to the package without a registry entry fails here


# -- the library's own data files are read through the registry: the file hashed is the file read ---------
def _data_readers():
    """Per data entry: the function of the package that reads it, the caches to clear, a replacement file's text
    and what the reader gives for it."""
    from consensus_nlp import _zh
    from consensus_nlp.devices import common
    from consensus_nlp.io import encoding
    from consensus_nlp.io.page import bylines, cues, furniture, glyphs

    return {
        "radicals": (_zh.radical_table, [_zh.radical_table], "# one radical\n2F00\t⼀\t4E8C\t二\n", {"\u2f00": "二"}),
        "glyph-aliases": (glyphs.alias_table, [glyphs.alias_table], "# one alias\n6236\t戶\t6238\t戸\n", {"戶": "戸"}),
        "common-chars": (encoding._common_chars, [encoding._common_chars], "# ranked\n甲\n乙\n",
                         (frozenset("甲乙"), frozenset("甲乙"))),
        "positions": (bylines._roles, [bylines._roles], "委员\n主席\n", ("主席", "委员")),
        "organizations": (bylines._organization_rules, [bylines._organization_rules], "suffix\t党校\n", (("党校",), ())),
        "page-cues": (bylines.credit_roles, [cues.cue_sections, cues.cue, bylines.credit_roles, furniture._cues],
                      "[credit_role]\n特约记者\n", ("特约记者",)),
        "device-rules": (common.rules, [common.load_data], '{"sentence_end": "。"}', {"sentence_end": "。"}),
        "formulations": (lambda: common.load_data("formulations"), [common.load_data], '{"entries": []}', {"entries": []}),
    }


def test_every_data_entry_is_read_by_its_component_through_the_registry(tmp_path):
    readers = _data_readers()
    assert sorted(readers) == sorted(registry.data.names())
    for name, (read, caches, text, expected) in readers.items():
        original = registry.data.get(name)
        assert read() != expected  # the package's own file
        replacement = tmp_path / f"{name}.data"
        replacement.write_text(text, encoding="utf-8")
        registry.data.register(name, files=[str(replacement)], source="a test", licence="MIT", replace_existing=True)
        try:
            for cache in caches:
                cache.cache_clear()
            assert read() == expected, name  # the component read the file the registry names …
            assert registry.data.get(name).sha256 == _sha(replacement)  # … which is the file the manifest hashes
            assert resource_hashes()[str(replacement)] == _sha(replacement)
        finally:
            registry.data.unregister(name)
            for cache in caches:
                cache.cache_clear()
        assert registry.data.get(name) == original and read() != expected
        assert str(replacement) not in resource_hashes()


def test_data_text_refuses_an_entry_without_a_file():
    registry.data.register("a-function", loader=len, source="a test", licence="MIT")
    try:
        with pytest.raises(InvalidArgumentError, match="name='a-function' is a data entry whose loader gives no file"):
            registry.data_text("a-function")
    finally:
        registry.data.unregister("a-function")
    with pytest.raises(UnknownNameError, match="'no-such-file' is not a data file of the package"):
        registry.data_lines("no-such-file")


def test_entries_describe_their_source_and_licence():
    assert registry.lexicons.get("political").describe() == {
        "name": "political", "kind": "lexicons", "source": "lexicons/SOURCES.md, political.txt", "licence": "MIT",
        "files": ["lexicons/political.txt"], "sha256": _sha(PACKAGE / "lexicons" / "political.txt")}
    slogan = registry.detectors.get("slogan").describe()
    assert (slogan["requires"], slogan["assigns"]) == (["citation", "formulation"], ["slogan"])
    assert registry.engines.get("gensim").licence == "LGPL-2.1-only"
    for reg in registry.registries().values():
        for entry in reg.entries():
            assert entry.source and entry.licence, entry
            for path in entry.paths:
                assert path.is_file(), path
            if entry.source.split(",")[0].endswith(".md"):  # a pointer into a SOURCES.md or README that exists
                doc = entry.source.split(",")[0]
                assert (PACKAGE / doc).is_file() or (REPO / doc).is_file(), doc


def test_an_alias_gives_the_entry_it_stands_for():
    assert registry.stopwords.get("default").name == "function"
    assert cn.load_stopwords("default") == cn.load_stopwords("function")


# -- unknown names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "message"), [
    (lambda: cn.Segmenter(lexicon="polit"),
     "lexicon='polit' is not a known lexicon; accepted: 'political', 'none'. Pass one of those names or a path to a "
     "jieba user-dict file."),
    (lambda: cn.load_stopwords("func"),
     "stopwords='func' is not a known stopword list; accepted: 'boilerplate', 'default', 'enumeration', 'function', "
     "'iso'. Call consensus_nlp.list_stopwords() to see them."),
    (lambda: cn.load_corpus("gansu"),
     "name='gansu' is not a bundled corpus; accepted: 'gansu-cppcc-2021'. Use list_corpora() to see the names, or read "
     "your own files with read_page(path) or Corpus.from_files(folder)."),
    (lambda: cn.tag("一是。", kinds=["outlines"]),
     "kinds='outlines' is not a kind of device; accepted: 'outline', 'formulation', 'parallelism', 'citation', "
     "'slogan', 'quoted', 'statistic'. Leave kinds=None for all of them."),
    (lambda: registry.engines.get("mallet"),
     "engine='mallet' is not a topic-model engine; accepted: 'tomotopy', 'gensim', 'sklearn', 'dmr', 'gdmr'. "
     "Call consensus_nlp.list_engines() to see them."),
])
def test_unknown_names_list_the_registered_ones(call, message):
    with pytest.raises(UnknownNameError) as err:
        call()
    assert str(err.value) == message


def test_unknown_theme_name_and_engine_in_fit_topics(tmp_path):
    with pytest.raises(UnknownNameError, match=r"accepted: 'cppcc'\. Pass a bundled name"):
        cn.load_themes("cpcc")
    with pytest.raises(InputTypeError, match="engine=3 is not a str"):
        registry.engines.get(3)


# -- registering -------------------------------------------------------------------------------------------
@pytest.fixture()
def lexicon_file(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("委员讲堂凝聚 100 nz\n", encoding="utf-8")
    yield path
    registry.lexicons.unregister("mine")


def test_a_lexicon_registered_at_run_time_is_listed_used_and_hashed(lexicon_file):
    seg = cn.Segmenter(backend="jieba", lexicon="none")
    assert seg.cut("委员讲堂凝聚共识") == ["委员", "讲堂", "凝聚", "共识"]
    entry = registry.lexicons.register("mine", files=[str(lexicon_file)], source="a test", licence="CC0")
    assert cn.list_lexicons() == ["political", "none", "mine"]
    seg = cn.Segmenter(backend="jieba", lexicon="mine")
    assert seg.cut("委员讲堂凝聚共识") == ["委员讲堂凝聚", "共识"]
    assert seg.params["lexicon"] == "mine" and seg.params["lexicon_sha256"] == _sha(lexicon_file) == entry.sha256
    assert resource_hashes()[str(lexicon_file)] == _sha(lexicon_file)
    with pytest.raises(InvalidArgumentError, match="name='mine' is already a registered name of lexicons"):
        registry.lexicons.register("mine", files=[str(lexicon_file)])
    with pytest.raises(InvalidArgumentError, match="loader=None is missing and no files are given"):
        registry.lexicons.register("empty")


# -- entry points ------------------------------------------------------------------------------------------
PLUGIN = '''
    from consensus_nlp.devices import Device
    from consensus_nlp.models.engines import EngineResult
    from consensus_nlp.registry import Entry

    WORDS = Entry(files=("words.txt",), package="cn_plugin", source="cn_plugin/README", licence="CC0")
    STOP = Entry(loader="cn_plugin:stop_words", source="cn_plugin", licence="CC0")

    def stop_words():
        return ["凝聚", "共识"]

    class Uniform:
        """An engine that gives every topic the same word distribution (for the test)."""
        name = "uniform"
        capabilities = frozenset()
        default_iterations = 1

        def fit(self, counts, terms, k, seeds, **settings):
            import numpy as np
            return EngineResult(np.full((k, len(terms)), 1 / len(terms)), np.full((counts.shape[0], k), 1 / k), None,
                                {"iterations": settings["iterations"]})

    UNIFORM = Uniform()

    def find_numbered(text, found):
        """Outline items whose text after the marker starts with 做."""
        return [Device("numbered", d.label, d.start, d.end, d.text, {}) for d in found if d.text[len(d.label):].startswith("做")]

    NUMBERED = Entry(loader=find_numbered, requires=("outline",), assigns=("numbered",),
                     source="cn_plugin", licence="CC0")

    def find_exclamations(text):
        return [Device("exclamation", "！", i, i + 1, "！", {}) for i, c in enumerate(text) if c == "！"]
'''
ENTRY_POINTS = '''
    [consensus_nlp.lexicons]
    plugin-words = cn_plugin:WORDS

    [consensus_nlp.stopwords]
    plugin-stop = cn_plugin:STOP

    [consensus_nlp.engines]
    uniform = cn_plugin:UNIFORM

    [consensus_nlp.detectors]
    numbered = cn_plugin:NUMBERED
    exclamation = cn_plugin:find_exclamations
'''


@pytest.fixture()
def plugin(tmp_path, monkeypatch):
    """A distribution installed by putting its files on sys.path: a package and its .dist-info."""
    package = tmp_path / "cn_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (package / "words.txt").write_text("委员讲堂凝聚 100 nz\n", encoding="utf-8")
    info = tmp_path / "cn_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cn-plugin\nVersion: 0.1\nLicense: CC0-1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    sys.modules.pop("cn_plugin", None)


def test_entry_points_add_a_lexicon_stopwords_an_engine_and_a_detector(plugin):
    assert cn.list_lexicons() == ["political", "none", "plugin-words"]
    assert cn.list_stopwords() == ["boilerplate", "default", "enumeration", "function", "iso", "plugin-stop"]
    assert cn.list_engines() == ["tomotopy", "gensim", "sklearn", "dmr", "gdmr", "uniform"]
    assert cn.list_detectors()[-2:] == ["exclamation", "numbered"]
    words = registry.lexicons.get("plugin-words")
    assert (words.name, words.kind, words.path) == ("plugin-words", "lexicons", plugin / "words.txt")
    assert cn.Segmenter(backend="jieba", lexicon="plugin-words").cut("委员讲堂凝聚共识") == ["委员讲堂凝聚", "共识"]
    assert cn.load_stopwords(["plugin-stop"]) == {"凝聚", "共识"}
    assert resource_hashes()["cn_plugin:words.txt"] == _sha(plugin / "words.txt")
    uniform = registry.engines.get("uniform")  # a bare object: source and licence from the distribution
    assert (uniform.source, uniform.licence) == ("cn-plugin 0.1 (entry point cn_plugin:UNIFORM)", "CC0-1.0")


def test_an_engine_from_an_entry_point_is_fitted_by_its_capabilities(plugin):
    matrix = cn.dtm(cn.tokenize(["凝聚 共识 凝聚", "委员 讲堂 共识", "凝聚 委员"]), min_docs=1)
    model = cn.fit_topics(matrix, k=2, engine="uniform", min_term_per_million=0)
    assert model.engine == "uniform" and model.params["iterations"] == 1
    assert np.array_equal(model.doc_topic_, np.full((3, 2), 0.5))
    with pytest.raises(InvalidArgumentError, match=r"engine='uniform' cannot take seed_words; accepted: 'tomotopy', "
                                                   r"'gensim', 'dmr', 'gdmr'"):
        cn.fit_topics(matrix, k=2, engine="uniform", seed_words={"a": ["凝聚"]}, min_term_per_million=0)
    with pytest.raises(InvalidArgumentError, match=r"engine='uniform' cannot use covariates; accepted: 'dmr', 'gdmr'"):
        cn.fit_topics(matrix, k=2, engine="uniform", covariates=["x"], min_term_per_million=0)


def test_a_detector_from_an_entry_point_gets_what_it_requires(plugin):
    text = "一是做优“委员讲堂”。二是开展调研！三是做强品牌。"
    numbered = registry.detectors.get("numbered").describe()
    assert (numbered["requires"], numbered["assigns"]) == (["outline"], ["numbered"])
    frame = cn.tag(text, kinds=["numbered"])
    assert frame[["kind", "label", "start", "end", "text"]].values.tolist() == [
        ["numbered", "一是", 0, 11, "一是做优“委员讲堂”。"], ["numbered", "三是", 18, 25, "三是做强品牌。"]]
    both = cn.tag(text, kinds=["outline", "numbered", "exclamation"])
    assert both[["kind", "label", "start"]].values.tolist() == [
        ["outline", "一是", 0], ["numbered", "一是", 0], ["outline", "二是", 11], ["exclamation", "！", 17],
        ["outline", "三是", 18], ["numbered", "三是", 18]]


# -- engines -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matrix():
    return cn.dtm(cn.tokenize(cn.load_corpus("gansu-cppcc-2021"), stopwords="function"), min_docs=2)


def test_engines_declare_capabilities():
    assert {n: sorted(engines.get_engine(n).capabilities) for n in cn.list_engines()} == {
        "tomotopy": ["seeded", "threads", "word_order"],
        "gensim": ["seeded"],
        "sklearn": [],
        "dmr": ["covariates", "seeded", "threads", "word_order"],
        "gdmr": ["continuous_covariates", "covariates", "seeded", "threads", "word_order"],
    }
    assert all(isinstance(engines.get_engine(n), engines.Engine) for n in cn.list_engines())


def test_tomotopy_through_the_registry_equals_tomotopy_called_directly(matrix):
    import tomotopy as tp

    model = cn.fit_topics(matrix, k=3, random_state=5, iterations=40)
    assert model.engine == "tomotopy" and model.params["iterations"] == 40
    direct = tp.LDAModel(k=3, alpha=0.1, eta=0.01, seed=5)
    vocab = set(matrix.terms)
    for words in matrix.words:
        direct.add_doc([w for w in words if w in vocab])
    direct.train(40, workers=1, parallel=tp.ParallelScheme.NONE)
    column = {t: i for i, t in enumerate(matrix.terms)}
    expected = np.zeros((3, len(matrix.terms)))
    for t in range(3):
        expected[t, [column[w] for w in direct.used_vocabs]] = direct.get_topic_word_dist(t)
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.array_equal(model.topic_word_, expected)
    assert np.array_equal(model.doc_topic_, np.array([d.get_topic_dist() for d in direct.docs], dtype=np.float64)
                          / np.array([d.get_topic_dist() for d in direct.docs], dtype=np.float64).sum(1, keepdims=True))


def test_sklearn_through_the_registry_equals_scikit_learn_called_directly(matrix):
    from sklearn.decomposition import LatentDirichletAllocation

    model = cn.fit_topics(matrix, k=3, engine="sklearn", random_state=2)
    assert model.params["iterations"] == 20  # the engine's default_iterations
    lda = LatentDirichletAllocation(n_components=3, learning_method="batch", max_iter=20, random_state=2, n_jobs=1)
    shares = lda.fit_transform(matrix.counts)
    assert np.array_equal(model.doc_topic_, shares / shares.sum(axis=1, keepdims=True))
    assert np.array_equal(model.topic_word_, lda.components_ / lda.components_.sum(axis=1, keepdims=True))


@pytest.mark.parametrize(("engine", "covariates"), [("gensim", None), ("dmr", ["level"])])
def test_every_engine_object_fits_what_fit_topics_fits(matrix, engine, covariates):
    model = cn.fit_topics(matrix, k=2, engine=engine, covariates=covariates, random_state=1, iterations=5)
    again = cn.fit_topics(matrix, k=2, engine=engine, covariates=covariates, random_state=1, iterations=5)
    assert model.engine == engine
    assert np.array_equal(model.topic_word_, again.topic_word_) and np.array_equal(model.doc_topic_, again.doc_topic_)


# -- corpora: the wheel's copy first ------------------------------------------------------------------------
def test_the_installed_corpus_folder_is_preferred_to_the_checkout(tmp_path, monkeypatch):
    package = tmp_path / "src" / "consensus_nlp"
    checkout = tmp_path / "corpora" / "gansu-cppcc-2021"
    checkout.mkdir(parents=True)
    (checkout / "speeches.jsonl").write_text('{"doc_id": "a", "text": "凝聚共识"}\n', encoding="utf-8")
    monkeypatch.setattr(registry, "package_dir", lambda name: package)
    assert cn.load_corpus("gansu-cppcc-2021").texts == ("凝聚共识",)
    installed = package / "_corpora" / "gansu-cppcc-2021"
    installed.mkdir(parents=True)
    (installed / "speeches.jsonl").write_text('{"doc_id": "b", "text": "委员讲堂"}\n', encoding="utf-8")
    (installed / "corpus.json").write_text('{"year": 2021}', encoding="utf-8")
    loaded = cn.load_corpus("gansu-cppcc-2021")
    assert loaded.texts == ("委员讲堂",) and loaded.meta == {"name": "gansu-cppcc-2021", "year": 2021}


# -- cheap, and the registered loaders are the real detectors ----------------------------------------------
def test_reading_the_registries_imports_nothing_heavy():
    import os
    import subprocess

    code = ("import sys, consensus_nlp as cn\n"
            "names = [r.names() for r in cn.registry.registries().values()]\n"
            "hashes = cn.registry.resource_hashes()\n"
            "heavy = ('jieba', 'pandas', 'sklearn', 'gensim', 'spacy', 'matplotlib', 'tomotopy', 'scipy', 'numpy')\n"
            "print(sorted(m for m in heavy if m in sys.modules), len(hashes))")
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}  # the package this test runs on
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] 16"


@pytest.mark.parametrize("kind", ["outline", "formulation", "parallelism", "citation", "slogan", "quoted", "statistic"])
def test_each_registered_detector_finds_what_tag_finds_for_its_kind(kind, page_text):
    text = page_text + "\n习近平总书记指出“要广泛凝聚共识。”"
    detect = registry.detectors.load(kind)
    alone = sorted((d.start, d.end, d.label) for d in detect(text))
    tagged = sorted((d.start, d.end, d.label) for d in cn.tag_text(text, kinds=[kind]))
    assert alone == tagged and len(alone) > 0


def test_a_corpus_registered_as_a_function_and_a_broken_plugin(plugin, caplog):
    made = cn.Corpus.from_records([{"doc_id": "a", "text": "凝聚共识", "year": 2020}])
    registry.corpora.register("tiny", loader=lambda: made, source="a test", licence="CC0")
    try:
        assert cn.list_corpora() == ["gansu-cppcc-2021", "tiny"]
        assert cn.load_corpus("tiny") is made
    finally:
        registry.corpora.unregister("tiny")
    assert cn.list_corpora() == ["gansu-cppcc-2021"]
    info = plugin.parent / "cn_plugin-0.1.dist-info" / "entry_points.txt"
    info.write_text(info.read_text(encoding="utf-8") + "\n[consensus_nlp.themes]\nbroken = cn_plugin.missing:THEMES\n",
                    encoding="utf-8")
    registry.themes.refresh()  # the distribution changed in place, as pip changes site-packages
    assert cn.list_themes() == ["broken", "cppcc"]
    with pytest.raises(InvalidArgumentError, match=r"themes \(entry point of consensus_nlp.themes\)='broken' could not "
                                                   r"be loaded from cn_plugin.missing:THEMES \(ModuleNotFoundError"):
        cn.load_themes("broken")
    assert "lexicons/themes/cppcc.yaml" in resource_hashes()  # the manifest leaves the broken entry out
    assert "could not be loaded from cn_plugin.missing:THEMES" in caplog.text
