"""Fine granularity (compounds split as general-purpose segmenters split them) and the standard stopword list."""

from __future__ import annotations

import consensus_nlp as cn
from consensus_nlp.text.granularity import FineSplitter


def test_compounds_split_into_dictionary_words_recursively():
    f = FineSplitter()
    assert f.split("社会主义") == ["社会", "主义"]
    assert f.split("经济建设") == ["经济", "建设"]
    assert f.split("全面深化改革") == ["全面", "深化", "改革"]
    assert f.split("中华人民共和国") == ["中华", "人民", "共和国"]
    assert f.split("社会主义核心价值观") == ["社会", "主义", "核心", "价值观"]


def test_words_that_would_leave_a_single_character_stay_whole():
    f = FineSplitter()
    assert f.split("委员会") == ["委员会"]       # 委员 + 会: 会 is not a word here
    assert f.split("发展") == ["发展"]           # shorter than min_chars
    assert f.split("WTO组织") == ["WTO组织"]      # not all Chinese: left alone
    assert FineSplitter(min_chars=5).split("社会主义") == ["社会主义"]


def test_fine_split_is_recorded_by_dictionary_hash():
    assert len(FineSplitter().dictionary_sha256) == 64


def test_iso_stopwords_are_the_stopwords_iso_chinese_list():
    import stopwordsiso

    iso = cn.load_stopwords("iso")
    assert iso == frozenset(stopwordsiso.stopwords("zh"))
    assert {"我们", "各种", "要"} <= iso
    assert not {"发展", "人民", "坚持", "加强"} & iso
    assert "iso" in cn.list_stopwords() and "default" in cn.list_stopwords()
