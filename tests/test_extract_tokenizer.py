"""The pipeline's tokenizer makes spaCy's Doc, word for word, while remembering chunk splits."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from wpstrack.documents import DocumentRejected, read_path
from wpstrack.extract.organisations import _FOLD
from wpstrack.extract.pipeline import build_pipeline
from wpstrack.extract.tokenizer import ChunkTokenizer

DATA = Path(__file__).parent / "data"

# Whitespace in every position spaCy treats apart: leading, trailing, single and double
# spaces, line breaks, tabs, no-break spaces; special cases before and after other words.
EDGES = [
    "",
    " ",
    "  ",
    "\n",
    " Mr. TANAKA met Ms. Smith at 3 p.m. ",
    "  two leading spaces and two trailing  ",
    "\n\nParagraphs\n\n  indented\tby tabs \t and\xa0no-break\u3000spaces\n",
    "Director-General's (UNFPA), U.S.-Japan; can't won't e.g. 10:00 a.m. — “quoted”…",
    "https://www.mofa.go.jp/press/release/p.html and e-mail@example.org, 1,000,000 yen.",
    "Mr.\nMs.\n\nDr. end with a special case Mr.",
    "ends with a space ",
    "ends with a line break\n",
]


def _words(doc: spacy.tokens.Doc) -> list[tuple[str, str, int]]:
    return [(token.text, token.whitespace_, token.idx) for token in doc]


def _corpus_texts(corpus_dir: Path) -> list[str]:
    texts = []
    for folder in (corpus_dir, *(DATA / n for n in ("pages", "blind", "blind2"))):
        for path in sorted(folder.iterdir()):
            if path.suffix in {".jsonl", ".md"} or not path.is_file():
                continue
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
            try:
                texts.append(read_path(path).text)
            except DocumentRejected:
                continue
    return texts


def test_the_doc_is_spacys_over_every_corpus_text_and_its_folded_form(corpus_dir: Path) -> None:
    spacy_tokenizer = spacy.blank("en").tokenizer
    ours = ChunkTokenizer(spacy.blank("en").tokenizer)
    texts = _corpus_texts(corpus_dir)
    assert len(texts) > 150
    for text in [*texts, *(t.translate(_FOLD) for t in texts)]:
        for _ in range(2):  # the second time from the cache
            doc = ours(text)
            assert doc.text == text
            assert _words(doc) == _words(spacy_tokenizer(text))


def test_chunks_not_kept_are_split_in_one_call_and_kept_while_in_use() -> None:
    calls: list[str] = []
    tokenizer = spacy.blank("en").tokenizer

    def counting(text: str) -> spacy.tokens.Doc:
        calls.append(text)
        return tokenizer(text)

    ours = ChunkTokenizer(tokenizer, kept=4)  # two chunks a turn
    ours.tokenizer = counting  # type: ignore[assignment]
    assert [t.text for t in ours("Mr. Mr. Mr.")] == ["Mr.", "Mr.", "Mr."]
    assert calls == ["Mr."]
    assert [t.text for t in ours("alpha Mr. (beta)")] == ["alpha", "Mr.", "(", "beta", ")"]
    assert calls[1:] == ["alpha (beta)"]  # "Mr." was kept
    ours("Mr. gamma")  # "Mr." is in use: it stays through the turn
    assert calls[2:] == ["gamma"]
    ours("Mr. alpha")  # "alpha" was not met for a whole turn: split again
    assert calls[3:] == ["alpha"]


def test_a_text_of_many_new_chunks_keeps_no_more_than_the_bound() -> None:
    ours = ChunkTokenizer(spacy.blank("en").tokenizer, kept=6)
    text = " ".join(f"word{n}," for n in range(50))
    assert _words(ours(text)) == _words(spacy.blank("en").tokenizer(text))
    assert len(ours._recent) + len(ours._older) <= 6
    ours("a b c d e f g h")
    assert len(ours._recent) + len(ours._older) <= 6


def test_the_pipeline_tokenizes_with_it() -> None:
    nlp = build_pipeline(["release_header"])
    assert isinstance(nlp.tokenizer, ChunkTokenizer)
    assert [t.text for t in nlp.make_doc("Ms. KAMIKAWA (Japan).")] == [
        "Ms.",
        "KAMIKAWA",
        "(",
        "Japan",
        ")",
        ".",
    ]


def test_a_run_of_any_whitespace_is_one_word() -> None:
    ours = ChunkTokenizer(spacy.blank("en").tokenizer)
    spacy_tokenizer = spacy.blank("en").tokenizer
    for space in (chr(c) for c in range(0x3001) if chr(c).isspace()):
        for run in (space, space * 2, " " + space, space + " ", "\n" + space):
            for text in (f"a{run}b", f"{run}a", f"a{run}", run):
                assert _words(ours(text)) == _words(spacy_tokenizer(text)), repr(text)


@pytest.mark.parametrize("text", EDGES)
def test_the_doc_is_spacys_at_the_edges_of_whitespace(text: str) -> None:
    ours = ChunkTokenizer(spacy.blank("en").tokenizer)
    assert ours(text).text == text
    assert _words(ours(text)) == _words(spacy.blank("en").tokenizer(text))
