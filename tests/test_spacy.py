"""spaCy integration: our tokenizer, the devices component, displaCy, nlp.pipe, no global side effects."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import consensus_nlp as cn
from consensus_nlp.devices import tag_text

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def nlp():
    from consensus_nlp.integrations.spacy import make_pipeline

    return make_pipeline()


@pytest.fixture(scope="module")
def speeches(page_path):
    return cn.read_page(page_path)


def test_tokenizer_keeps_text_and_uses_our_segmenter(nlp):
    text = "一是做优“委员讲堂”， 强化思想政治引领。\n\n二是  增进政治认同、思想认同。\u3000"
    doc = nlp.make_doc(text)
    assert doc.text == text
    words = [t.text for t in doc]
    assert words[:6] == ["一是", "做优", "“", "委员讲堂", "”", "，"]
    assert "\n\n" in words and "政治认同" in words
    assert doc[5].whitespace_ == " "  # the single space after ， is trailing whitespace


def test_device_spans_are_aligned_to_tokens(nlp, speeches):
    text = speeches[1].text  # 刘进军
    doc = nlp(text)
    devices = tag_text(text)
    spans = list(doc.spans["devices"])
    assert len(spans) == len(devices)
    token_starts = {t.idx for t in doc}
    token_ends = {t.idx + len(t.text) for t in doc}
    for span, d in zip(spans, devices):
        assert span.label_ == f"{d.kind}:{d.label}"
        assert span.start_char in token_starts and span.end_char in token_ends
        assert span.start_char <= d.start and d.end <= span.end_char  # "expand" alignment
    four = [s for s in spans if s.label_ == "formulation:四个认同"]
    assert [s.text for s in four] == ["政治认同、思想认同、理论认同、情感认同"]
    assert [t.text for t in four[0]] == ["政治认同", "、", "思想认同", "、", "理论认同", "、", "情感认同"]
    outline = list(doc.spans["outline"])
    assert [s.label_ for s in outline] == ["level1"] * 4
    assert [s.text[:4] for s in outline] == ["一是在方", "二是在双", "三是在内", "四是在润"]
    stored = doc.user_data["consensus_devices"]
    assert [x["text"] for x in stored] == [d.text for d in devices]


def test_displacy_renders_the_devices(nlp, speeches):
    from spacy import displacy

    doc = nlp(speeches[2].text)  # 何效祖
    html = displacy.render(doc, style="span", options={"spans_key": "devices"}, page=False)
    assert "formulation:四个平台" in html
    assert "outline:一是" in html
    assert "搭建" in html


def test_pipe_over_many_texts(nlp, speeches):
    texts = [d.text for d in speeches]
    docs = list(nlp.pipe(texts, batch_size=3))
    assert [d.text for d in docs] == texts
    assert [len(d.spans["outline"]) for d in docs] == [len([i for i in cn.outline(t)]) for t in texts]
    single = nlp(texts[0])
    assert [(s.start, s.end, s.label_) for s in docs[0].spans["devices"]] == [
        (s.start, s.end, s.label_) for s in single.spans["devices"]]


def test_component_kinds(speeches):
    from consensus_nlp.integrations.spacy import make_pipeline

    nlp = make_pipeline(kinds=["statistic"])
    doc = nlp(speeches[3].text)  # 陈华
    labels = {s.label_.split(":")[0] for s in doc.spans["devices"]}
    assert labels == {"statistic"}
    assert "1200多万元" in [s.text for s in doc.spans["devices"]]
    assert list(doc.spans["outline"]) == []


def test_make_pipeline_rejects_other_segmenters():
    from consensus_nlp.errors import InputTypeError
    from consensus_nlp.integrations.spacy import make_pipeline

    with pytest.raises(InputTypeError):
        make_pipeline(segmenter="jieba")  # type: ignore[arg-type]


SCRIPT = textwrap.dedent(
    """
    import json
    import jieba, spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token
    from spacy.tokens.underscore import Underscore

    def snapshot():
        regs = {}
        for name in ("factories", "architectures", "tokenizers", "languages", "misc", "callbacks", "loggers"):
            regs[name] = sorted(getattr(spacy.registry, name).get_all())
        return {
            "registries": regs,
            "extensions": [sorted(Underscore.doc_extensions), sorted(Underscore.span_extensions),
                           sorted(Underscore.token_extensions)],
        }

    # spaCy fills its registries lazily on first use: use it once before the snapshot
    spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})("凝聚共识")
    dt = jieba.dt
    initialized = jieba.dt.initialized
    before = snapshot()
    import consensus_nlp.integrations.spacy as cs
    after_import = snapshot()
    nlp = cs.make_pipeline()
    doc = nlp("一是增进“四个认同”，二是凝聚共识。")
    cs.register()
    after = snapshot()
    added = {k: sorted(set(after["registries"][k]) - set(before["registries"][k])) for k in before["registries"]}
    removed = {k: sorted(set(before["registries"][k]) - set(after["registries"][k])) for k in before["registries"]}
    print(json.dumps({
        "import_changed": before != after_import,
        "added": added, "removed": removed,
        "extensions_same": before["extensions"] == after["extensions"],
        "jieba_same": jieba.dt is dt and jieba.dt.initialized == initialized,
        "spans": [s.label_ for s in doc.spans["devices"]],
    }, ensure_ascii=False))
    """
)


def test_no_global_state_changed_apart_from_our_factory():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=240, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["import_changed"] is False  # importing consensus_nlp.integrations.spacy registers nothing
    assert {k: v for k, v in result["added"].items() if v} == {"factories": ["consensus_devices"]}
    assert {k: v for k, v in result["removed"].items() if v} == {}
    assert result["extensions_same"] is True
    assert result["jieba_same"] is True
    assert result["spans"] == ["outline:一是", "formulation:四个认同", "outline:二是"]
