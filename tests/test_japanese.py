"""Japanese segmentation: the words search and the extractor share."""

from wpstrack import japanese

SENTENCE = "上川外務大臣は国連女性機関のバフース事務局長と意見交換を行いました。"


def test_tokens_keep_exact_offsets() -> None:
    for token in japanese.tokens(SENTENCE):
        assert SENTENCE[token.start : token.end] == token.surface


def test_compounds_are_indexed_whole_and_in_parts() -> None:
    words = japanese.words(SENTENCE)
    assert "外務大臣" in words
    assert "大臣" in words
    assert "上川" in words
    assert "意見" in words and "交換" in words
    assert "は" not in words  # particles carry no search meaning


def test_english_passes_through_unchanged() -> None:
    assert japanese.index_text("Women, Peace and Security") == "Women, Peace and Security"
    assert not japanese.has_japanese("UN Women")


def test_long_texts_are_cut_below_the_analysers_limit() -> None:
    text = (SENTENCE + "\n") * 2000  # about 70,000 characters, over Sudachi's byte limit
    found = japanese.tokens(text)
    assert found[-1].end == len(text)
    assert all(text[t.start : t.end] == t.surface for t in found[-50:])


def test_a_repeated_word_is_one_string_however_often_it_occurs() -> None:
    # A text at the character limit holds some 176,000 words; sharing their strings keeps
    # the server's first Japanese request under its memory line (bench/worst_requests.py).
    first, _particle, second = japanese.tokens("女性と女性")
    assert first.surface is second.surface
    assert first.reading is second.reading


def test_a_word_read_from_its_context_keeps_each_contexts_reading() -> None:
    # Words are looked up once per process; a numeral Sudachi joins outside its dictionary
    # is read from what follows it (一つ ヒト, 一日 イチ), so it must not be looked up.
    assert japanese.tokens("一つ")[0].reading == "ヒト"
    assert japanese.tokens("一日")[0].reading == "イチ"
    assert japanese.tokens("一つ")[0].reading == "ヒト"


def test_one_dictionary_word_keeps_each_spelling_it_matches() -> None:
    wide, narrow = japanese.tokens("ＡＢＣ"), japanese.tokens("ABC")
    assert [t.surface for t in wide] == ["ＡＢＣ"] and [t.surface for t in narrow] == ["ABC"]
