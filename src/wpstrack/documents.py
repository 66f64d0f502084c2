"""Reading documents: bytes in, clean text out (or a coded reason why not).

One reader serves ingestion, ``wpstrack extract`` and ``wpstrack eval``, so the text that is
scored is the text that is stored, and every extracted span points into it.

The type comes from the content (magic bytes, then a look at the decoded text), the file
suffix only breaks ties: a saved web page named ``.txt`` is still HTML. Text is decoded as
UTF-8 when it is valid UTF-8, else with charset-normalizer, then repaired with ftfy
(``BogotÃ¡`` → ``Bogotá``) while curly quotes and full-width characters are kept as written.
A file that cannot be read raises :class:`DocumentRejected` with one of :data:`REASONS`.

The publisher is taken only where the document states it in a standard metadata field: a
page's Dublin Core, ``citation_publisher`` or ``og:site_name`` ``<meta>`` or its JSON-LD, a
PDF's XMP ``dc:publisher``. Word files have none: their core properties name an author (a
person) and their ``Company`` property the owner of the Office copy, neither a publisher.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ftfy
from charset_normalizer import from_bytes

from wpstrack.errors import UnreadableDocument
from wpstrack.limits import Deadline, ReadLimits, check_chars, check_zip, resolve_limits
from wpstrack.webpage import html_to_text

TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Why a document was refused; the code is stored in ``document.reject_reason``.
REASONS = {
    "empty": "the document holds no text",
    "binary": "the content is binary data, not text",
    "undecodable": "the content cannot be decoded",
    "too_large": "the document is larger than the size limit",
    "unpacked_too_large": "the document unpacks to more than the unpacked size limit",
    "too_many_pages": "the document has more pages than the page limit",
    "too_long": "the text is longer than the character limit",
    "too_deep": "the markup is nested deeper than the nesting limit",
    "too_many_elements": "the markup has more elements than the element limit",
    "too_slow": "reading the document took longer than the reading time limit",
    "unsupported": "the document type is not supported",
    "extraction_failed": "the document was read but the extractor failed on it",
    "storage_failed": "the document was read but the database refused its values",
    "unreadable": "the file cannot be opened (permissions, vanished)",
}

# Signatures of binary formats we do not read: they are refused as unsupported, by name.
_UNSUPPORTED_MAGIC = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"\x1f\x8b", "application/gzip"),
    (b"\xd0\xcf\x11\xe0", "application/msword (legacy Office)"),
    (b"{\\rtf", "application/rtf"),
    (b"7z\xbc\xaf", "application/x-7z-compressed"),
    (b"Rar!", "application/vnd.rar"),
)
_FIX_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # the HTML path decodes entities itself; plain text keeps "&amp;"
    uncurl_quotes=False,  # official texts use curly apostrophes; keep them as written
    fix_character_width=False,  # keep full-width Japanese punctuation as written
    explain=False,
)
# A page, or a fragment saved from one, starts with one of these tags.
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h1|table)\b",
    re.I | re.S,
)
_DECLARED_CHARSET = re.compile(
    rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.I
)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class ReadDocument:
    """A document read as text, with what the reader learned about it.

    ``title`` is the title the format declares (an HTML ``<h1>`` or ``<title>``, PDF or
    DOCX properties); plain text declares none. ``publisher`` is the body the document's
    own metadata names as its publisher (HTML ``<meta>`` or JSON-LD, PDF XMP), else None.
    """

    text: str
    media_type: str
    encoding: str | None
    language: str
    title: str | None
    sha256: str
    size_bytes: int
    published_on: date | None = None
    publisher: str | None = None
    main_text: str | None = None  # a web page's main content (HtmlPage.main_text)


class DocumentRejected(UnreadableDocument):
    """A document that cannot be read, with a short ``reason`` code from :data:`REASONS`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail or REASONS[reason]
        super().__init__(f"{reason}: {self.detail}")

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        # Extraction workers send rejections back to the writer process by pickle, which
        # would otherwise call __init__ with the joined message as the reason.
        return (type(self), (self.reason, self.detail))


def sha256_hex(raw: bytes) -> str:
    """The content hash that identifies a document (same bytes, same document)."""
    return hashlib.sha256(raw).hexdigest()


def read_path(
    path: Path, *, max_bytes: int | None = None, limits: ReadLimits | None = None
) -> ReadDocument:
    """Read the file at ``path``; refuses a file over the byte limit without loading it."""
    limits = resolve_limits(limits, max_bytes)
    size = path.stat().st_size
    if limits.max_bytes is not None and size > limits.max_bytes:
        raise DocumentRejected("too_large", f"{size} bytes is over the limit of {limits.max_bytes}")
    return read_bytes(path.read_bytes(), filename=path.name, limits=limits)


def read_bytes(
    raw: bytes,
    *,
    filename: str | None = None,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
) -> ReadDocument:
    """Detect the type of ``raw``, turn it into clean text and describe it, within
    ``limits`` (the defaults of :class:`ReadLimits` when None; ``max_bytes`` overrides its
    byte limit)."""
    limits = resolve_limits(limits, max_bytes)
    if limits.max_bytes is not None and len(raw) > limits.max_bytes:
        raise DocumentRejected(
            "too_large", f"{len(raw)} bytes is over the limit of {limits.max_bytes}"
        )
    if not raw.strip():
        raise DocumentRejected("empty", "the file is empty" if not raw else "only white space")
    deadline = limits.deadline()
    media_type = sniff(raw, filename)
    encoding: str | None = None
    title: str | None = None
    published: date | None = None
    publisher: str | None = None
    main_text: str | None = None
    if media_type == PDF:
        text, title, publisher = _pdf_text(raw, limits, deadline)
    elif media_type == DOCX:
        text, title = _docx_text(raw, limits, deadline)
    else:
        decoded, encoding = decode(raw)
        if media_type == HTML or looks_like_html(decoded, filename):
            media_type = HTML
            page = html_to_text(decoded, limits, deadline)
            text, title, published = page.text, page.title, page.published_on
            publisher, main_text = page.publisher, page.main_text
        else:
            check_chars(len(decoded), limits)
            text = decoded
    check_chars(len(text), limits)
    deadline.check()
    text = clean_text(text)
    if not text.strip():
        raise DocumentRejected("empty", f"no text found in the {media_type} content")
    check_readable(text)
    deadline.check()
    return ReadDocument(
        text=text,
        media_type=media_type,
        encoding=encoding,
        language=detect_language(text),
        title=title,
        sha256=sha256_hex(raw),
        size_bytes=len(raw),
        published_on=published,
        publisher=publisher,
        main_text=main_text,
    )


def sniff(raw: bytes, filename: str | None = None) -> str:
    """The media type of ``raw`` from its first bytes; text types are refined after decoding."""
    head = raw[:8]
    if raw.lstrip()[:5] == b"%PDF-":
        return PDF
    if head.startswith(b"PK\x03\x04"):
        if _is_docx(raw):
            return DOCX
        raise DocumentRejected("unsupported", "a ZIP archive that is not a Word (DOCX) document")
    for magic, name in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            raise DocumentRejected("unsupported", name)
    suffix = Path(filename).suffix.lower() if filename else ""
    return HTML if suffix in {".html", ".htm", ".xhtml"} else TEXT


def _is_docx(raw: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def decode(raw: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM) first, then a charset the document
    declares (``<meta charset>``, ``encoding=``), then the one charset-normalizer detects."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:  # a BOM, then an odd byte count or a lone surrogate
            raise DocumentRejected(
                "undecodable", f"broken UTF-16 after its BOM: {exc.reason}"
            ) from exc
    if b"\x00" in raw[:4096]:
        raise DocumentRejected("binary", "NUL bytes in the content")
    if b"\x1b$B" in raw or b"\x1b$@" in raw:  # ISO-2022-JP escapes: 7-bit Japanese mail text
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode("iso2022_jp"), "iso2022_jp"
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(raw[:2048])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # Browsers read a page labelled Latin-1 or ASCII as Windows-1252 (WHATWG), and so do we.
        name = "cp1252" if name in {"iso-8859-1", "latin1", "latin-1", "us-ascii"} else name
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return raw.decode(name), codecs.lookup(name).name
    matches = from_bytes(raw)
    best = matches.best()
    if best is None:
        raise DocumentRejected("undecodable", "no character encoding fits the bytes")
    # Where several single-byte code pages fit equally well, prefer Windows-1252: the legacy
    # encoding of Western web pages and office files (the WHATWG default for Latin-1 too).
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence
        if tied and "cp1252" in match.could_be_from_charset:
            return raw.decode("cp1252", errors="replace"), "cp1252"
    return str(best), best.encoding


def looks_like_html(text: str, filename: str | None = None) -> bool:
    """True for a web page: a doctype, ``<html>``, ``<head>`` or ``<body>`` at the start."""
    return bool(_HTML_START.match(text[:4096]))


def clean_text(text: str) -> str:
    """Repair mojibake, unify line breaks and spaces, drop control characters at the edges
    and NUL characters anywhere (no text holds them, and PostgreSQL refuses them)."""
    text = ftfy.fix_text(text.replace("\x00", ""), _FIX_CONFIG)
    text = _SPACES.sub(" ", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


# Characters that do not occur in text: C0/C1 controls (bar tab and newlines), private use.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufff0-\uffff]")
# Characters that are neither letters, digits, spaces nor the punctuation of prose.
_SYMBOL = re.compile(r"[^\w\s.,;:'\"()\[\]\-/&%?!’“”‘–—、。「」（）・：，；！？『』〜]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def check_readable(text: str) -> None:
    """Refuse text that is not language: control characters or symbol soup (random bytes)."""
    sample = text[:20000]
    if len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise DocumentRejected("binary", "control characters in the text: binary data")
    symbols = len(_SYMBOL.findall(sample)) * 100
    # Prose holds under 2% symbols; only then is the slower look at each token needed.
    garbled = symbols > len(sample) * 15 or (symbols > len(sample) * 2 and not _has_words(sample))
    if garbled or not _WORD.search(sample):
        raise DocumentRejected("binary", "no readable words: binary data or garbled text")


def _has_words(sample: str) -> bool:
    """At least a third of the tokens hold a word and are mostly letters, not symbols."""
    tokens = sample.split()
    wordlike = sum(
        1
        for token in tokens
        if _WORD.search(token) and len(_SYMBOL.findall(token)) * 5 <= len(token)
    )
    return bool(tokens) and wordlike * 3 >= len(tokens)


_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "with", "for", "on", "that", "is", "was", "as"},
    "fr": {"le", "la", "les", "et", "des", "du", "avec", "pour", "dans", "est", "une", "au"},
    "es": {"el", "la", "los", "las", "y", "del", "con", "para", "en", "que", "una", "por"},
    "de": {"der", "die", "das", "und", "mit", "für", "den", "von", "ist", "im", "ein", "zu"},
}


_LETTER = re.compile(r"[^\W\d_]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def detect_language(text: str) -> str:
    """``ja`` when kana or kanji make up a fifth of the letters, else the Latin-script
    language whose function words are most frequent (``en``, ``fr``, ``es``, ``de``), else
    ``und``."""
    sample = text[:20000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return "und"
    if len(_JAPANESE.findall(sample)) * 5 >= letters:
        return "ja"
    words = re.findall(r"[^\W\d_]+", sample.casefold())
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 2 else "und"


def first_line(text: str) -> str | None:
    """The first non-blank line, as a fallback title."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return None


def _pdf_text(
    raw: bytes, limits: ReadLimits, deadline: Deadline
) -> tuple[str, str | None, str | None]:
    """Text, title and publisher of a PDF. The document information dictionary has no
    publisher entry; the XMP metadata's Dublin Core ``dc:publisher`` is the standard place.

    The page count is checked before any page is read, the deadline and the character limit
    after each page, so a 20,000-page file costs its page tree, not 20,000 pages."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRejected("undecodable", "the PDF is encrypted")
        check_page_count(reader, limits.max_pages)
        pages: list[str] = []
        chars = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            check_chars(chars, limits)
            deadline.check()
        meta = reader.metadata
        title = str(meta.title) if meta and meta.title else None
    except DocumentRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise DocumentRejected("undecodable", f"broken PDF ({type(exc).__name__})") from exc
    publisher = None
    with contextlib.suppress(Exception):  # damaged XMP costs the publisher, not the text
        xmp = reader.xmp_metadata
        names = (xmp.dc_publisher if xmp is not None else None) or ()
        publisher = next((" ".join(n.split()) for n in names if n.strip()), None)
    return "\n\n".join(pages), title, publisher


def check_page_count(reader: Any, limit: int) -> None:
    """Refuse a PDF with more than ``limit`` pages, at a cost bounded by the limit.

    pypdf's own page list flattens the whole page tree (six seconds for 20,000 pages), so
    the stated ``/Count`` is checked first and the tree is then walked here, stopping as
    soon as the pages, or the nodes visited, pass what ``limit`` pages can need; a kid seen
    twice (a cycle) is visited once.
    """
    pages = reader.trailer["/Root"]["/Pages"].get_object()
    stated = pages.get("/Count")
    if isinstance(stated, int) and stated > limit:
        raise DocumentRejected("too_many_pages", f"{stated} pages is over the limit of {limit}")
    stack, seen, leaves, visited = [pages], set(), 0, 0
    while stack:
        node = stack.pop()
        visited += 1
        kids = node.get("/Kids")
        if kids is None:
            leaves += 1
        if leaves > limit or visited > 2 * limit + 64:
            detail = f"more pages than the limit of {limit}"
            raise DocumentRejected("too_many_pages", detail)
        for kid in kids.get_object() if kids is not None else ():
            key = getattr(kid, "idnum", None)
            if key is None or key not in seen:
                seen.add(key)
                stack.append(kid.get_object())


def _docx_text(raw: bytes, limits: ReadLimits, deadline: Deadline) -> tuple[str, str | None]:
    """Text and title of a Word file, once its ZIP is known to unpack within the limit."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            check_zip(archive, limits, deadline)
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(raw))
        parts = []
        chars = 0
        body = document._body
        # The body's paragraphs one at a time (``document.paragraphs`` builds all of them
        # first), so the character limit and the deadline stop a huge body early.
        for element in body._element.iterchildren(qn("w:p")):
            parts.append(Paragraph(element, body).text)
            chars = _count(chars, parts[-1], limits, deadline)
        for table in document.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
                chars = _count(chars, parts[-1], limits, deadline)
        title = document.core_properties.title or None
    except DocumentRejected:
        raise
    except Exception as exc:  # damaged ZIP or XML parts surface as many kinds of error
        raise DocumentRejected("undecodable", f"broken DOCX ({type(exc).__name__})") from exc
    return "\n".join(parts), title


def _count(chars: int, part: str, limits: ReadLimits, deadline: Deadline) -> int:
    """``chars`` plus the part's length (and its line break), refused over the limits."""
    chars += len(part) + 1
    check_chars(chars, limits)
    deadline.check()
    return chars


def extract_record(
    document: ReadDocument, limits: ReadLimits | None = None, *, nlp: Any = None
) -> dict[str, Any]:
    """The extraction record of a read document (language and publication date passed on),
    refused as ``too_long`` over the character limit.

    The extractor reads the release's view of the stored text (page furniture and what
    lies outside a page's main content blanked, :func:`release_view`), whose offsets are
    those of the stored text, so every span points into what is stored. ``nlp`` is
    another pipeline than the default (the calibration fit runs one without its last step).
    """
    from wpstrack.extract import extract_text
    from wpstrack.extract.furniture import release_view

    return extract_text(
        release_view(document.text, document.main_text, document.title),
        language=document.language,
        release_date=document.published_on,
        max_chars=(limits or ReadLimits()).max_chars,
        nlp=nlp,
        stored=document.text,
    )
