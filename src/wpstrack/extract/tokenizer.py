"""spaCy's English tokenizer, remembering how it splits each chunk of text.

spaCy's tokenizer cuts a text at whitespace into chunks ("(UNFPA),") and splits each chunk
by its prefix, suffix, infix and special-case rules; it caches the split of a chunk by the
chunk's hash, so a word it has met costs a look-up. But after the first special case of a
text ("Mr.", "a.m.", a line break) it caches nothing more of that text (spaCy 3.8.18, issue
explosion/spaCy#13950, fixed in a pull request not yet released), and inside a memory zone,
where ingestion's workers extract, it caches nothing at all. Over the development corpus
nine chunks in ten were split again by the rules every time: the tokenizer cost a fifth of
the extraction (``bench/extract.py``).

:class:`ChunkTokenizer` keeps the split of each chunk instead, as words (plain strings,
which a memory zone does not free), and builds the Doc from them. The splitting stays
spaCy's: the chunks a text brings that are not kept are split by the wrapped tokenizer, all
in one call. A chunk's split does not depend on its neighbours: the one rule that looks
across chunks, a special case matched over several tokens, applies only to special cases
written with a space inside, which English has none of. Whitespace needs no rule: a run of
it is one word, less the one space that follows a word. ``tests/test_extract_tokenizer.py``
holds the Doc to spaCy's own over every corpus we have and every whitespace character.
"""

from __future__ import annotations

import re
from itertools import islice

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

# A chunk and the whitespace after it: ``\s`` is what spaCy cuts at (str.isspace).
_CHUNKS = re.compile(r"(\S+)(\s*)")
# Chunks kept: the recent half and the half before it, some 100 bytes each. On texts met
# once, 8,192 find four chunks in five; the development corpus holds 3,700 distinct ones.
CHUNKS_KEPT = 8_192

Split = str | tuple[str, ...]  # the chunk itself when it is one word (most are), else its words


class ChunkTokenizer:
    """A drop-in for ``nlp.tokenizer``: the same Doc as ``tokenizer(text)``, chunk splits
    kept.

    The chunks met since the last turn are kept in one table and those of the turn before
    in another; a chunk found in the older table moves to the recent one, and when the
    recent table holds half of ``kept`` it becomes the older one. Chunks in use stay, at
    the cost of a dict look-up, where an LRU cache would reorder its list at every hit.
    """

    def __init__(self, tokenizer: Tokenizer, kept: int = CHUNKS_KEPT) -> None:
        self.tokenizer = tokenizer
        self.vocab: Vocab = tokenizer.vocab
        self._turn = max(1, kept // 2)
        self._recent: dict[str, Split] = {}
        self._older: dict[str, Split] = {}

    def __call__(self, text: str) -> Doc:
        body = text.lstrip()
        leading = text[: len(text) - len(body)]
        pairs = _CHUNKS.findall(text, len(leading))
        splits = self._splits([chunk for chunk, _gap in pairs])
        # whitespace at the start of the text is one word, all of it
        words: list[str] = [leading] if leading else []
        spaces: list[bool] = [False] if leading else []
        for (_chunk, gap), found in zip(pairs, splits, strict=True):
            if found.__class__ is str:  # one word: the chunk (as first met, the same text)
                words.append(found)
                spaces.append(False)
            else:
                words.extend(found)
                spaces.extend([False] * len(found))
            if gap:
                # the first space after a chunk is its last word's; the rest is one word
                if gap[0] == " ":
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _splits(self, chunks: list[str]) -> list[Split]:
        """The split of each chunk, those not kept split by spaCy in one call and kept."""
        recent, older = self._recent, self._older
        splits: list[Split | None] = []
        missing: list[str] = []
        for chunk in chunks:
            found = recent.get(chunk)
            if found is None:
                found = older.get(chunk)
                if found is None:
                    missing.append(chunk)
                else:
                    recent[chunk] = found
            splits.append(found)
        if missing:
            new = self._split_anew(dict.fromkeys(missing))
            splits = [
                new[chunk] if found is None else found
                for chunk, found in zip(chunks, splits, strict=True)
            ]
            # no more than a turn's worth, however many new chunks one text brings
            recent.update(islice(new.items(), max(0, self._turn - len(recent))))
        if len(recent) >= self._turn:
            self._older, self._recent = recent, {}
        return splits  # type: ignore[return-value]  # every None was replaced

    def _split_anew(self, chunks: dict[str, None]) -> dict[str, Split]:
        """spaCy's split of each chunk, from one Doc of the chunks joined by spaces: each
        chunk's words end at the word that has a space after it."""
        found: dict[str, Split] = {}
        words: list[str] = []
        pending = iter(chunks)
        doc = self.tokenizer(" ".join(chunks))
        last = len(doc) - 1
        for token in doc:
            words.append(token.text)
            if token.whitespace_ or token.i == last:
                chunk = next(pending)
                found[chunk] = chunk if len(words) == 1 else tuple(words)
                words = []
        return found
