"""spaCy integration: our segmenter as a spaCy tokenizer, and a component that marks framing devices.

Examples:
    >>> nlp = make_pipeline()                                        # doctest: +SKIP
    >>> doc = nlp("一是做优“委员讲堂”。二是做强“文化品牌”。")           # doctest: +SKIP
    >>> [(s.label_, s.text) for s in doc.spans["outline"]]           # doctest: +SKIP
    [('level1', '一是做优“委员讲堂”。'), ('level1', '二是做强“文化品牌”。')]

spaCy is imported when these functions are called, not when ``consensus_nlp``
is imported. The only change made to spaCy's registries is the component factory
``consensus_devices``, registered the first time :func:`make_pipeline` or
:func:`register` runs. Nothing else global is touched: no ``Doc``/``Span``
extensions, no change to jieba's default tokenizer (``spacy.blank("zh")`` is
created with its character segmenter, which needs no jieba, and its tokenizer is
then replaced by ours).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, describe

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

    from ..text.segmentation import Segmenter

__all__ = ["make_pipeline", "register", "SegmenterTokenizer", "FACTORY", "SPANS_KEY", "OUTLINE_KEY", "USER_DATA_KEY"]

FACTORY = "consensus_devices"
SPANS_KEY = "devices"
OUTLINE_KEY = "outline"
USER_DATA_KEY = "consensus_devices"


class SegmenterTokenizer:
    """A spaCy tokenizer that uses a :class:`consensus_nlp.Segmenter`.

    Characters the segmenter leaves out (whitespace) become spaCy whitespace: a
    single space after a token sets its ``whitespace_``; any other run of
    whitespace is a token of its own, so ``doc.text == text`` always.
    """

    def __init__(self, vocab: Any, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        if not isinstance(text, str):
            raise InputTypeError(describe("text", text, "is not a str", accepted="str"))
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0

        def gap(a: int, b: int) -> None:
            # text[a:b] was not covered by any token
            if a >= b:
                return
            piece = text[a:b]
            if piece == " " and words and not spaces[-1]:
                spaces[-1] = True
                return
            if words and not spaces[-1] and piece.startswith(" ") and len(piece) > 1:
                spaces[-1] = True
                piece = piece[1:]
            words.append(piece)
            spaces.append(False)

        for tok in sorted(self.segmenter.tokenize(text), key=lambda t: (t.start, t.end)):
            if tok.start < pos or tok.end <= tok.start:
                continue  # overlapping or empty tokens cannot be represented
            gap(pos, tok.start)
            words.append(text[tok.start:tok.end])
            spaces.append(False)
            pos = tok.end
        gap(pos, len(text))
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)


class DevicesComponent:
    """Pipeline component: writes framing devices to ``doc.spans["devices"]`` and outline items to ``doc.spans["outline"]``.

    Span labels are ``kind:label`` (``"formulation:四个认同"``, ``"citation:leader"``) in
    ``devices`` and ``level1``, ``level2`` … in ``outline``. Device spans are aligned
    to tokens with ``alignment_mode="expand"``. The full devices (with their
    ``attrs``) are kept as dicts in ``doc.user_data["consensus_devices"]``.
    """

    def __init__(self, kinds: list[str] | None = None) -> None:
        from ..devices.tagger import check_kinds

        self.kinds = check_kinds(kinds)

    def __call__(self, doc: Doc) -> Doc:
        from ..devices import tag_text

        devices = tag_text(doc.text, kinds=self.kinds)
        spans = []
        outline_spans = []
        for d in devices:
            span = doc.char_span(d.start, d.end, label=f"{d.kind}:{d.label}", alignment_mode="expand")
            if span is None:
                continue
            spans.append(span)
            if d.kind == "outline":
                outline_spans.append(doc.char_span(d.start, d.end, label=f"level{d.attrs['level']}",
                                                   alignment_mode="expand"))
        doc.spans[SPANS_KEY] = spans
        doc.spans[OUTLINE_KEY] = [s for s in outline_spans if s is not None]
        doc.user_data[USER_DATA_KEY] = [d._asdict() for d in devices]
        return doc


def _make_component(nlp: Language, name: str, kinds: list[str] | None) -> DevicesComponent:
    return DevicesComponent(kinds)


def register() -> None:
    """Register the ``consensus_devices`` factory with spaCy (once; later calls do nothing)."""
    from spacy.language import Language

    if not Language.has_factory(FACTORY):
        Language.factory(
            FACTORY,
            default_config={"kinds": None},
            assigns=["doc.spans"],
            func=_make_component,
        )


def make_pipeline(*, segmenter: Segmenter | None = None, kinds: list[str] | None = None) -> Language:
    """A blank Chinese spaCy pipeline tokenized by our segmenter, with the devices component.

    Args:
        segmenter: the :class:`consensus_nlp.Segmenter` to tokenize with; a default
            ``Segmenter()`` if ``None``.
        kinds: which devices the component looks for (``None`` for all; see
            :func:`consensus_nlp.tag`).

    Returns:
        A ``spacy.Language`` whose tokenizer keeps ``doc.text == text`` and whose
        pipeline has one component, ``consensus_devices``. Render the devices with
        ``displacy.render(doc, style="span", options={"spans_key": "devices"})``.
    """
    import spacy

    from ..text.segmentation import Segmenter

    if segmenter is None:
        segmenter = Segmenter()
    elif not isinstance(segmenter, Segmenter):
        raise InputTypeError(describe("segmenter", segmenter, "is not a Segmenter", accepted="consensus_nlp.Segmenter"))
    register()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = SegmenterTokenizer(nlp.vocab, segmenter)
    nlp.add_pipe(FACTORY, config={"kinds": None if kinds is None else list(kinds)})
    return nlp
