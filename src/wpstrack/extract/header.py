"""Component ``release_header``: the release's title and the date it carries.

The date line of a release ("March 18, 2024" alone on a line, "Published 14 November
2023", "Date: Wednesday, 13 March 2024", "OTTAWA, ON, March 8, 2024 /CNW/",
"News item | 16-04-2024 | 15:42", "令和6年7月30日") anchors every later date written
without a year, so it is found first and stored as ``state.release_date``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import doc_text, state
from wpstrack.extract.patterns import WEEKDAY, DateMention, iter_dates, paragraphs

HEADER_LINES = 14  # the date line sits among the first lines of a release
FOOTER_LINES = 4
FOOTER_WORDS = 15
# Closing formulas of communiqués, declarations and agreements.
_CLOSING_RE = re.compile(r"\s*(?:Adopted|Done|Signed|Issued|Made|Given|Dated)\b")
_FOOTER_LABEL_RE = re.compile(r"\s*(?:Published|Date|Dated|Issued|Released)\s*:?\s*")
_LABEL_PREFIX_RE = re.compile(
    rf"^(?:[^\n]*\|)?\s*(?:(?:Date|Dated|Published|Issued|Released|Updated)\s*:?\s*|"
    rf"(?:Publié|Publiée|Mis à jour|Publicado|Publicada|Actualizado)(?:\s+le|\s+el)?\s*:?\s*|"
    rf"[A-Z][A-Za-z ]{{0,30}}:\s*)?"
    rf"(?:{WEEKDAY},?\s*)?$"
)
# A dateline: capitalised place words, maybe a double place or a province ("OTTAWA, ON, ").
_DATELINE_PREFIX_RE = re.compile(
    r"^\s*[A-ZÀ-Þ][\w'’.À-ÿ-]*(?:[ /][A-ZÀ-Þ][\w'’.À-ÿ-]*)*(?:,\s*[A-Z][\w.'’ -]*){0,2}"
    r"(?:,|\s\()\s*$"
)
_CAPTION_RE = re.compile(r"^\s*(?:\(Photo\)|（写真）|Photo\b|Photograph\b|\*|-)")


# A headline closed by its place and date in brackets: "Entretien avec ... (Dakar, 5 mai 2025)".
_BRACKET_OPEN_RE = re.compile(r"\((?:[^()\n,]{1,40},\s*)?$")
_BRACKET_CLOSE_RE = re.compile(r"\)\s*$")


def _is_date_line(line: str, mention: DateMention, line_start: int) -> bool:
    prefix = line[: mention.start - line_start]
    if not prefix.strip():
        return True
    if _BRACKET_OPEN_RE.search(prefix) and _BRACKET_CLOSE_RE.match(line, mention.end - line_start):
        return True
    return bool(_LABEL_PREFIX_RE.match(prefix) or _DATELINE_PREFIX_RE.match(prefix))


def find_release_date(text: str) -> tuple[date, int, int, int | None] | None:
    """The release's date line: (date, start, end, index of its header line) or None.

    The header comes first; a labelled line at the foot ("Published 14 November 2023") is
    the fallback, with no header index.
    """
    lines = paragraphs(text)
    for index, (start, end) in enumerate(lines[:HEADER_LINES]):
        line = text[start:end]
        for mention in iter_dates(text, start, end):
            if mention.year is None or not _is_date_line(line, mention, start):
                continue
            return date(mention.year, mention.month, mention.day), mention.start, mention.end, index
    for start, end in lines[-FOOTER_LINES:]:
        label = _FOOTER_LABEL_RE.match(text, start, end)
        short = len(text[start:end].split()) <= FOOTER_WORDS
        short = short and bool(_CLOSING_RE.match(text, start, end))
        for mention in iter_dates(text, start, end):
            labelled = label is not None and mention.start == label.end()
            # "Adopted in Addis Ababa, Ethiopia, 6 August 2025": a closing line ending in a date
            closing = short and not text[mention.end : end].strip(" .")
            if mention.year is not None and (labelled or closing):
                return (
                    date(mention.year, mention.month, mention.day),
                    mention.start,
                    mention.end,
                    None,
                )
    return None


# A headline is a phrase: a line ending like a sentence ("... announced today.", "以下の
# とおりです。", "The below is attributable to ...:") or numbered like a body paragraph
# ("1　本日、...") is the first paragraph, not the headline.
_PROSE_ENDING_RE = re.compile(r"[.。:：,、]\s*$")
_NUMBERED_RE = re.compile(r"^\s*[0-9０-９]{1,2}(?:[.)]\s|[ \u3000])")
HEADLINE_MAX_WORDS = 30
# An institution's name alone (a site's masthead): a head word, then only capitalised words
# and connectors ("Ministerio de Asuntos Exteriores, Unión Europea y Cooperación").
_CONNECTORS = r"(?:of|for|and|the|on|de|del|des|du|la|le|les|et|y|e|,|&)"
_INSTITUTION_RE = re.compile(
    r"^(?:the\s+)?(?:delegation|ministry|ministère|ministerio|department|département|departamento|"
    r"office|embassy|ambassade|embajada|permanent mission|mission|government|gouvernement|"
    rf"gobierno)\b(?:[\s,]+(?:{_CONNECTORS}|[A-ZÀ-Þ][\w'’.-]*))*[\s,]*$",
    re.I,
)


def is_headline(line: str) -> bool:
    """A line that can be a release's headline: long enough to say what happened (four
    words, or twelve characters of Japanese), a phrase rather than a sentence or a
    paragraph, not a photo caption, and not the name of an organisation alone (a site's
    or a section's name: "Ministry of Foreign Affairs of Japan", "Peace and Security
    Council")."""
    from wpstrack.reference import resolve_organisation

    line = line.strip()
    words = len(line.split())
    long_enough = words >= 4 or (len(line) >= 12 and not line.isascii())
    if not long_enough or words > HEADLINE_MAX_WORDS or len(line) > 250:
        return False
    if _CAPTION_RE.match(line) or _PROSE_ENDING_RE.search(line) or _NUMBERED_RE.match(line):
        return False
    if line[0].islower() or _INSTITUTION_RE.match(line):  # "by the Deputy ...": a byline
        return False
    # "NATO - North Atlantic Treaty Organization": every part of the line names the site
    parts = [p for p in re.split(r"\s+[-–—|]\s+", line) if p.strip()]
    return not all(resolve_organisation(part) is not None for part in parts)


def _title_line(
    text: str, lines: list[tuple[int, int]], date_index: int | None
) -> tuple[int, int] | None:
    """The headline: MOFA puts it right under a date line, others right above it, others
    lead with it."""

    def usable(span: tuple[int, int]) -> bool:
        return is_headline(text[span[0] : span[1]])

    if date_index is not None:
        date_line = lines[date_index]
        if len(text[date_line[0] : date_line[1]].split()) <= 5:
            for index in (date_index + 1, date_index - 1):
                near = 0 <= index < len(lines) and usable(lines[index])
                if near and not iter_dates(text, *lines[index]):
                    return lines[index]
    for index, span in enumerate(lines[:8]):
        if index != date_index and usable(span) and not iter_dates(text, *span):
            return span
    return None


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The header component: release date (with its span) and title."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        st = state(doc)
        found = find_release_date(text)
        date_index = None
        if found is not None:
            st.release_date, start, end, date_index = found
            st.release_date_span = (start, end)
            st.set("release_date", st.release_date.isoformat(), start, end, "header.date_line")
        lines = paragraphs(text)[:HEADER_LINES]
        title = _title_line(text, lines, date_index)
        if title is not None:
            start, end = title
            while end > start and text[end - 1].isspace():
                end -= 1
            while start < end and text[start].isspace():
                start += 1
            st.set("title", text[start:end], start, end, "header.title_line")
        return doc

    return component
