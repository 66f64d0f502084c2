"""Token patterns of offices and organisation heads, built once from the lexicon.

The office lists of ``lexicon/offices.yaml`` (``government_offices``, ``state_words``,
``body_head_offices``) become spaCy ``PhraseMatcher``s, the token patterns of
``lexicon/patterns.yaml`` ``Matcher``s, one per vocabulary and list. Rules ask "is there a
government office in this title?" or "where does an executive director's body start?" here,
rather than each writing its own regular expression of office words.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from wpstrack.extract import lexicon
from wpstrack.extract.tokenizer import ChunkTokenizer

# Phrase lists of lexicon/offices.yaml matched as written, by label.
PHRASE_LISTS = {"GOVERNMENT_OFFICE": "government_offices", "STATE_WORD": "state_words"}
_OFFICE_WINDOW = 80  # characters: an office after its owner is short
_LOCK = threading.Lock()
_BY_VOCAB: dict[tuple[int, str], tuple[Vocab, Matcher]] = {}
_PHRASES_BY_VOCAB: dict[tuple[int, str], tuple[Vocab, PhraseMatcher]] = {}


@cache
def phrase_tokenizer() -> Language:
    """The tokenizer for short phrases (titles, the words after a possessive): spaCy's, with
    chunk splits kept, as the pipeline's (:mod:`wpstrack.extract.tokenizer`)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = ChunkTokenizer(nlp.tokenizer)
    return nlp


def forget_vocabularies() -> None:
    """Drop the phrase tokenizer and the matchers built for documents of a vocabulary: the
    next call builds them anew (with :func:`wpstrack.extract.pipeline.forget_pipeline`)."""
    with _LOCK:
        phrase_tokenizer.cache_clear()
        _BY_VOCAB.clear()
        _PHRASES_BY_VOCAB.clear()


def _resolve(value: Any) -> Any:
    """The pattern with every "@file.key" replaced by that lexicon word list."""
    if isinstance(value, str) and value.startswith("@"):
        name, key = value[1:].split(".", 1)
        return list(lexicon.ordered(name, key))
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


@cache
def token_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    """Label -> its token patterns, with the lexicon's word lists filled in."""
    return {label: _resolve(patterns) for label, patterns in lexicon.load("patterns").items()}


def _keep(vocab: Vocab, label: str) -> None:
    """Intern a matcher's label for the life of ``vocab``.

    A matcher is built at its first use, which may fall inside a memory zone
    (:func:`wpstrack.extract.warm_up.memory_zone`): spaCy would intern its label as a
    transient string, drop it at the zone's end, and the matcher's next match would fail
    to name it (spaCy's E018).
    """
    # spaCy's type stub for StringStore.add predates its allow_transient argument (3.8).
    vocab.strings.add(label, allow_transient=False)  # type: ignore[call-arg]


def token_matcher(vocab: Vocab, label: str) -> Matcher:
    """The Matcher of one label of :func:`token_patterns` for documents of ``vocab``, built
    once each: one Matcher per label, so that a rule runs only its own patterns."""
    entry = _BY_VOCAB.get((id(vocab), label))
    if entry is None or entry[0] is not vocab:
        with _LOCK:
            _keep(vocab, label)
            matcher = Matcher(vocab, validate=True)
            matcher.add(label, token_patterns()[label])
            entry = _BY_VOCAB[(id(vocab), label)] = (vocab, matcher)
    return entry[1]


def matches(doc: Doc, label: str) -> list[tuple[int, int]]:
    """(start, end) token offsets of the matches of one pattern label in ``doc``, in order."""
    return sorted((s, e) for _key, s, e in token_matcher(doc.vocab, label)(doc))


def _office_phrases(vocab: Vocab, key: str) -> PhraseMatcher:
    """A PhraseMatcher of the office list ``key`` for documents of ``vocab`` (built once);
    a phrase is split into words as the tokenizer splits it ("Director-General": 3 words)."""
    entry = _PHRASES_BY_VOCAB.get((id(vocab), key))
    if entry is None or entry[0] is not vocab:
        with _LOCK:
            _keep(vocab, key)
            matcher = PhraseMatcher(vocab, attr="ORTH")
            for phrase in lexicon.ordered("offices", key):
                words = [t.text for t in phrase_tokenizer().make_doc(phrase)]
                matcher.add(key, [Doc(vocab, words=words)])
            entry = _PHRASES_BY_VOCAB[(id(vocab), key)] = (vocab, matcher)
    return entry[1]


def office_phrases(doc: Doc, key: str) -> list[tuple[int, int]]:
    """(start, end) token offsets of the phrases of office list ``key`` in ``doc``, in order."""
    return sorted((s, e) for _key, s, e in _office_phrases(doc.vocab, key)(doc))


@lru_cache(maxsize=1 << 12)  # titles recur from person to person and release to release
def phrase_labels(text: str) -> frozenset[str]:
    """The labels of :data:`PHRASE_LISTS` whose phrases ``text`` contains as whole tokens."""
    doc = phrase_tokenizer().make_doc(text)
    return frozenset(label for label, key in PHRASE_LISTS.items() if office_phrases(doc, key))


def is_government_office(title: str) -> bool:
    """Whether a title holds an office of a state's government ("Deputy Minister for X")."""
    return "GOVERNMENT_OFFICE" in phrase_labels(title)


def names_a_state_office(title: str) -> bool:
    """Whether a title is a state's: a government office or a state word ("Presidential")."""
    return bool(phrase_labels(title) & {"GOVERNMENT_OFFICE", "STATE_WORD"})


def office_follows(text: str, position: int) -> bool:
    """Whether an office ("Minister for Women", "Special Envoy") starts after whitespace at
    ``position``: after "Fiji's" it makes the possessive another official's country."""
    window = text[position : position + _OFFICE_WINDOW]
    stripped = window.lstrip()
    if stripped == window or not stripped:
        return False
    doc = phrase_tokenizer().make_doc(stripped)
    return any(start == 0 for start, _end in matches(doc, "OWNED_OFFICE"))
