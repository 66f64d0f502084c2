"""spaCy's English tokenizer, remembering how it splits each chunk of text.

spaCy's tokenizer cuts a text at whitespace into chunks ("(UNFPA),") and splits each chunk
by its prefix, suffix, infix and special-case rules; it caches the split of a chunk by the
chunk's hash, so a word it has met costs a look-up. But after the first special case of a
text ("Mr.", "a.m.", a line break) it caches nothing more of that text (spaCy 3.8.18, issue
explosion/spaCy#13950, fixed in a pull request not yet released), and inside a memory zone,
where ingestion's workers extract, it caches nothing at all. Over the development corpus
nine chunks in ten were split again by the rules every time: the tokenizer cost a quarter
of the extraction (``bench/extract.py``).

:class:`ChunkTokenizer` keeps the split of each chunk instead, as words (plain strings,
which a memory zone does not free), and builds the Doc from them. The splitting stays
spaCy's: a chunk is split by the wrapped tokenizer alone, and a chunk's split does not
depend on its neighbours (the one rule that looks across chunks, a special case matched
over several tokens, applies only to special cases written with a space inside, which
English has none of). ``tests/test_extract_tokenizer.py`` holds it to spaCy's own Doc over
every corpus we have.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Chunks of text and the whitespace between them: ``\s`` is what spaCy cuts at (str.isspace).
_RUNS = re.compile(r"\S+|\s+")
CHUNKS_KEPT = 10_000  # spaCy's own cache holds as many (Tokenizer.max_cache_size)


class ChunkTokenizer:
    """A drop-in for ``nlp.tokenizer``: the same Doc as ``tokenizer(text)``, chunk splits
    remembered (the last :data:`CHUNKS_KEPT` chunks met)."""

    def __init__(self, tokenizer: Tokenizer, kept: int = CHUNKS_KEPT) -> None:
        self.tokenizer = tokenizer
        self.vocab: Vocab = tokenizer.vocab
        self._split = lru_cache(maxsize=kept)(self._split_chunk)

    def _split_chunk(self, chunk: str) -> str | tuple[str, ...]:
        """The words spaCy makes of ``chunk``: the chunk itself when it is one word (most
        are), so that the cache holds no second copy of it."""
        words = tuple(token.text for token in self.tokenizer(chunk))
        return chunk if words == (chunk,) else words

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        split = self._split
        for run in _RUNS.findall(text):
            if not run[0].isspace():
                found = split(run)
                if isinstance(found, str):
                    words.append(found)
                    spaces.append(False)
                else:
                    words.extend(found)
                    spaces.extend([False] * len(found))
                continue
            # Whitespace after a word: its first space is that word's trailing space, the
            # rest (if any) a word of its own; at the start of the text all of it is.
            if words and run[0] == " ":
                spaces[-1] = True
                run = run[1:]
                if not run:
                    continue
            found = split(run)
            found = (found,) if isinstance(found, str) else found
            words.extend(found)
            spaces.extend([False] * len(found))
        return Doc(self.vocab, words=words, spaces=spaces)

    def cache_clear(self) -> None:
        """Forget every chunk's split (the tokenizer's rules changed)."""
        self._split.cache_clear()
