"""Limits before work: each bound on a document refuses it with its coded reason, before the
costly step, and real documents stay well inside them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from wpstrack.documents import REASONS, DocumentRejected, read_bytes, read_path
from wpstrack.limits import ReadLimits, markup_depth
from wpstrack.settings import Settings
from wpstrack.webpage import html_to_text

PROSE = "The Minister for Foreign Affairs held a dialogue on women, peace and security. "


def refusal(raw: bytes, filename: str, limits: ReadLimits) -> str:
    with pytest.raises(DocumentRejected) as caught:
        read_bytes(raw, filename=filename, limits=limits)
    assert caught.value.reason in REASONS
    return caught.value.reason


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    word = docx.Document()
    for text in paragraphs:
        word.add_paragraph(text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _with_member(docx_bytes: bytes, name: str, content: bytes) -> bytes:
    """The DOCX with one more (highly compressible) member: a ZIP bomb in miniature."""
    buffer = io.BytesIO(docx_bytes)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_settings_defaults_are_the_reader_defaults() -> None:
    limits = ReadLimits.from_settings(Settings(_env_file=None))
    assert limits == ReadLimits(max_bytes=Settings.model_fields["max_document_bytes"].default)


def test_docx_bomb_is_refused_from_its_central_directory() -> None:
    bomb = _with_member(_docx([PROSE]), "word/media/filler.bin", bytes(3_000_000))
    assert len(bomb) < 100_000
    limits = ReadLimits(max_unpacked_bytes=1_000_000)
    assert refusal(bomb, "bomb.docx", limits) == "unpacked_too_large"


def test_docx_whose_directory_understates_a_member_is_refused_by_what_it_unpacks() -> None:
    bomb = bytearray(_with_member(_docx([PROSE]), "word/media/filler.bin", bytes(3_000_000)))
    # Rewrite the stated size in the central directory entry of the filler to 10 bytes.
    entry = bomb.rindex(b"PK\x01\x02", 0, bomb.rindex(b"word/media/filler.bin"))
    bomb[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    reason = refusal(bytes(bomb), "liar.docx", ReadLimits(max_unpacked_bytes=1_000_000))
    assert reason in {"unpacked_too_large", "undecodable"}


def test_docx_within_limits_is_read() -> None:
    document = read_bytes(_docx([PROSE] * 3), filename="ok.docx", limits=ReadLimits())
    assert document.text.count("Minister") == 3


def test_docx_with_more_characters_than_the_limit_is_refused() -> None:
    assert refusal(_docx([PROSE] * 50), "long.docx", ReadLimits(max_chars=1000)) == "too_long"


def test_pdf_with_more_pages_than_the_limit_is_refused_before_reading_them() -> None:
    assert refusal(_pdf(30), "many.pdf", ReadLimits(max_pages=20)) == "too_many_pages"


def test_pdf_whose_page_count_understates_its_pages_is_refused_by_walking_the_tree() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, NumberObject

    writer = PdfWriter()
    for _ in range(30):
        writer.add_blank_page(width=200, height=200)
    writer.root_object["/Pages"].get_object()[NameObject("/Count")] = NumberObject(1)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert refusal(buffer.getvalue(), "liar.pdf", ReadLimits(max_pages=20)) == "too_many_pages"


def test_plain_text_over_the_character_limit_is_refused() -> None:
    raw = (PROSE * 40).encode()
    assert refusal(raw, "long.txt", ReadLimits(max_chars=len(raw) - 1)) == "too_long"
    assert read_bytes(raw, filename="ok.txt", limits=ReadLimits(max_chars=len(raw))).text


def test_html_whose_text_is_over_the_character_limit_is_refused() -> None:
    raw = ("<html><body><ol>" + f"<li>{PROSE}</li>" * 40 + "</ol></body></html>").encode()
    assert refusal(raw, "long.html", ReadLimits(max_chars=1000)) == "too_long"


@pytest.mark.parametrize("opened", ["<div>", "<div/>", "<span>", "<blockquote><p>"])
def test_deeply_nested_markup_is_refused_before_parsing(opened: str) -> None:
    raw = f"<html><body>{opened * 600}deep text</body></html>".encode()
    assert refusal(raw, "deep.html", ReadLimits()) == "too_deep"


def test_a_page_with_more_elements_than_the_limit_is_refused_before_parsing() -> None:
    raw = ("<html><body><ul>" + "<li>item</li>" * 600 + "</ul></body></html>").encode()
    assert refusal(raw, "many.html", ReadLimits(max_elements=1000)) == "too_many_elements"
    assert read_bytes(raw, filename="ok.html", limits=ReadLimits(max_elements=2000)).text


@pytest.mark.parametrize(
    "markup",
    [
        "<ul>" + "<li>an item" * 2000 + "</ul>",  # list items left open close each other
        "<div>" + "<p>a paragraph" * 2000 + "</div>",
        "<table>" + "<tr><td>a<td>b" * 2000 + "</table>",
        "<div>" + "<svg><path/><path/></svg><br><img src=x>" * 2000 + "</div>",
    ],
)
def test_long_flat_pages_are_not_deep(markup: str) -> None:
    assert markup_depth(f"<html><body>{markup}</body></html>") < 10


LIMIT_REASONS = {"too_large", "unpacked_too_large", "too_many_pages", "too_long", "too_deep"}


def test_dev_corpus_documents_are_far_inside_the_limits(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.txt")):
        content = path.read_text(encoding="utf-8", errors="replace")
        if content.lstrip().startswith("<"):
            assert markup_depth(content) < 100
        try:
            read_path(path, limits=ReadLimits())
        except DocumentRejected as exc:
            assert exc.reason not in LIMIT_REASONS | {"too_slow"}, path


def test_reading_past_the_deadline_is_refused() -> None:
    expired = ReadLimits(max_seconds=0)
    assert refusal((PROSE * 5).encode(), "a.txt", expired) == "too_slow"
    assert refusal(_docx([PROSE] * 5), "a.docx", expired) == "too_slow"


def test_ordered_list_items_are_numbered_in_a_long_list() -> None:
    page = html_to_text("<html><body><ol>" + "<li>item</li>" * 3000 + "</ol></body></html>")
    lines = page.text.splitlines()
    assert lines[0] == "1. item" and lines[-1] == "3000. item"


def test_the_longest_outermost_main_block_is_chosen_among_nested_ones() -> None:
    nested = "<article>" * 50 + "inner" + "</article>" * 50
    markup = f"<html><body><article>short</article>{nested}<article>{PROSE}</article></body>"
    assert html_to_text(markup + "</html>").text == PROSE.strip()
