"""Reading documents: type from content, decoding and repair, main HTML text, refusals."""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpstrack.documents import (
    DOCX,
    HTML,
    PDF,
    REASONS,
    TEXT,
    DocumentRejected,
    detect_language,
    read_bytes,
    read_path,
)

RELEASE = (
    "March 18, 2024\n"
    "Foreign Minister Kamikawa held a dialogue on WPS\n\n"
    "On March 18, commencing at 6:05 p.m. (local time; March 19, 7:05 a.m. JST), "
    "Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, held a dialogue with the "
    "staff of the United Nations Development Programme in New York.\n"
)


def rejected(raw: bytes, **kwargs: object) -> DocumentRejected:
    with pytest.raises(DocumentRejected) as caught:
        read_bytes(raw, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_plain_utf8_text_is_read_with_its_hash_and_language() -> None:
    raw = RELEASE.encode("utf-8")
    document = read_bytes(raw, filename="release.txt")
    assert document.media_type == TEXT
    assert document.encoding == "utf-8"
    assert document.language == "en"
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert document.size_bytes == len(raw)
    assert "Ms. KAMIKAWA Yoko" in document.text
    assert document.title is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t \r\n", "empty"),
        (b"\x00\x01\x02binary\x00data" * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "unsupported"),
        (b"GIF89a" + bytes(32), "unsupported"),
        (b"%PDF-1.4\nthis is not really a PDF\n", "undecodable"),
        (b"\xfe\xff" + bytes(5), "undecodable"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "png", "gif", "broken-pdf", "odd-utf16"],
)
def test_unreadable_content_is_refused_with_a_coded_reason(raw: bytes, reason: str) -> None:
    error = rejected(raw)
    assert error.reason == reason
    assert str(error).startswith(f"[W020] {reason}: ")


def test_random_bytes_shown_as_latin1_text_are_refused_as_binary() -> None:
    noise = random.Random(7).randbytes(1500)
    error = rejected(noise.decode("latin-1").encode("utf-8"), filename="noise.txt")
    assert error.reason == "binary"


def test_printable_symbol_soup_without_control_characters_is_refused_as_binary() -> None:
    rng = random.Random(5)
    printable = [chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x100)]]
    soup = "".join(rng.choice(printable) for _ in range(3000))
    assert rejected(soup.encode("utf-8")).reason == "binary"


def test_text_in_another_script_is_read() -> None:
    text = "Министр иностранных дел Японии встретилась с директором в Нью-Йорке. " * 3
    assert "Министр" in read_bytes(text.encode("utf-8")).text


def test_random_bytes_without_nul_are_refused() -> None:
    noise = bytes(b for b in random.Random(3).randbytes(3000) if b >= 0x20)
    assert rejected(noise).reason in {"binary", "undecodable"}


def test_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(RELEASE.encode() * 10)
    with pytest.raises(DocumentRejected) as caught:
        read_path(path, max_bytes=100)
    assert caught.value.reason == "too_large"
    assert "over the limit of 100" in str(caught.value)


def test_zip_archive_that_is_not_a_word_document_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert rejected(buffer.getvalue(), filename="plan.docx").reason == "unsupported"


def test_mojibake_is_repaired_keeping_curly_apostrophes() -> None:
    original = "Vice-Minister met María José Gutiérrez Peña in Bogotá on the Women’s Equity day."
    garbled = original.encode("utf-8").decode("cp1252").encode("utf-8")
    assert b"Bogot\xc3\x83\xc2\xa1" in garbled
    document = read_bytes(garbled)
    assert "María José Gutiérrez Peña in Bogotá" in document.text
    assert "Women’s" in document.text


def test_legacy_single_byte_encoding_is_detected() -> None:
    text = (
        "Le ministre a rencontré la déléguée générale à Genève. Elle a souligné l’importance "
        "de la participation des femmes à la prévention des conflits et à la médiation. "
    ) * 4
    document = read_bytes(text.encode("cp1252"))
    assert "rencontré la déléguée générale à Genève" in document.text
    assert document.encoding is not None and document.encoding != "utf-8"
    assert document.language == "fr"


JAPANESE = "上川外務大臣は、令和6年3月18日午後6時5分から約40分間、国連職員と意見交換を行いました。"


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "iso2022_jp"])
def test_japanese_legacy_encodings_are_decoded(encoding: str) -> None:
    document = read_bytes((JAPANESE * 2).encode(encoding))
    assert document.text.startswith(JAPANESE)
    assert document.language == "ja"


def test_charset_declared_by_a_page_is_honoured() -> None:
    page = f'<html><head><meta charset="Shift_JIS"></head><body><p>{JAPANESE}</p></body></html>'
    document = read_bytes(page.encode("cp932"))
    assert (document.media_type, document.encoding) == (HTML, "shift_jis")
    assert document.text == JAPANESE + "\n"


def test_page_labelled_latin1_is_read_as_windows_1252() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Minister’s visit to Bogotá</p>'
    document = read_bytes(page.encode("cp1252"))
    assert document.text == "Minister’s visit to Bogotá\n"


def test_html_fragment_is_recognised() -> None:
    document = read_bytes(b"<div><p>Saved fragment of a release.</p><script>x()</script></div>")
    assert (document.media_type, document.text) == (HTML, "Saved fragment of a release.\n")


def test_utf16_with_byte_order_mark_is_decoded() -> None:
    document = read_bytes(RELEASE.encode("utf-16"))
    assert "KAMIKAWA" in document.text


def test_japanese_text_is_detected_as_japanese() -> None:
    assert read_bytes(JAPANESE.encode("utf-8")).language == "ja"
    assert detect_language(RELEASE) == "en"


PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Minister meets UNICEF | Ministry</title>
<script type="application/ld+json">
{"@type":"NewsArticle","datePublished":"2024-06-01T09:00:00+09:00"}</script>
<script>var tracking = "window.dataLayer";</script><style>p { color: red }</style></head>
<body>
<div id="cookie-consent" class="cookie-banner"><p>This website uses cookies.</p>
<button>Accept</button></div>
<header><div class="logo">Ministry of Foreign Affairs</div></header>
<nav><ul><li><a href="/">Home</a></li><li>Press Releases</li></ul></nav>
<main><article>
<h1>State Minister meets the Deputy Executive Director of UNICEF</h1>
<p class="date">June 1, 2024</p>
<p>On May 31, Ms.&nbsp;HANAWA Tomoko met the United Nations Children&#8217;s Fund.</p>
<ol><li>She stated that Japan would continue support.</li><li>They agreed to cooperate.</li></ol>
</article>
<aside class="related"><h2>Related Information</h2><p>Resolution 2417 in Geneva</p></aside>
</main>
<footer><p>Tokyo address of the Ministry</p></footer>
</body></html>"""


def test_html_page_yields_the_article_without_boilerplate() -> None:
    document = read_bytes(PAGE.encode("utf-8"), filename="page.html")
    assert document.media_type == HTML
    assert document.title == "State Minister meets the Deputy Executive Director of UNICEF"
    assert document.published_on is not None
    assert document.published_on.isoformat() == "2024-06-01"
    text = document.text
    assert "Ms. HANAWA Tomoko met the United Nations Children’s Fund." in text
    assert "1. She stated that Japan would continue support.\n2. They agreed" in text
    for boilerplate in ("cookies", "Accept", "Home", "Related", "2417", "Tokyo", "dataLayer"):
        assert boilerplate not in text


def test_html_is_recognised_by_its_content_whatever_the_suffix() -> None:
    document = read_bytes(PAGE.encode("utf-8"), filename="saved-page.txt")
    assert document.media_type == HTML
    assert "<p>" not in document.text


def test_html_page_without_text_is_empty() -> None:
    markup = b"<html><body><nav>Home</nav><script>x()</script></body></html>"
    assert rejected(markup, filename="blank.html").reason == "empty"


def test_pdf_text_is_extracted() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("Joint statement on WPS")
    pdf.drawString(72, 770, "Joint statement on Women, Peace and Security")
    pdf.drawString(72, 750, "The ministers reaffirmed resolution 1325 (2000) in Tokyo.")
    pdf.save()
    document = read_bytes(buffer.getvalue(), filename="statement.bin")
    assert document.media_type == PDF
    assert document.title == "Joint statement on WPS"
    assert "reaffirmed resolution 1325 (2000) in Tokyo." in document.text


def test_docx_paragraphs_and_tables_are_extracted() -> None:
    import docx

    word = docx.Document()
    word.core_properties.title = "Grant agreement signed"
    word.add_paragraph("Grant agreement signed with UNDP")
    word.add_paragraph("On July 3, the Ambassador signed a grant of 428 million yen.")
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Amount"
    table.cell(0, 1).text = "USD 2.9 million"
    buffer = io.BytesIO()
    word.save(buffer)
    document = read_bytes(buffer.getvalue(), filename="grant")
    assert document.media_type == DOCX
    assert document.title == "Grant agreement signed"
    assert "signed a grant of 428 million yen." in document.text
    assert "Amount USD 2.9 million" in document.text


def test_non_breaking_spaces_and_crlf_become_plain_spaces_and_newlines() -> None:
    document = read_bytes("Ms.\u00a0KAMIKAWA met the staff.\r\nSecond line.\r\n".encode())
    assert document.text == "Ms. KAMIKAWA met the staff.\nSecond line.\n"


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf"]),
    body=st.binary(max_size=600),
)
def test_any_bytes_are_read_or_refused_with_a_reason_never_crash(
    prefix: bytes, body: bytes
) -> None:
    try:
        document = read_bytes(prefix + body)
    except DocumentRejected as error:
        assert error.reason in REASONS
    else:
        assert document.text.strip()


def _page_with(head: str) -> bytes:
    body = "<body><article><h1>Minister meets UN Women</h1><p>They discussed WPS.</p></article>"
    return f"<!DOCTYPE html><html><head>{head}</head>{body}</body></html>".encode()


@pytest.mark.parametrize(
    ("head", "publisher"),
    [
        ('<meta property="og:site_name" content="Ministry of Foreign Affairs of Japan">',
         "Ministry of Foreign Affairs of Japan"),
        ('<meta name="DCTERMS.publisher" content="  Global Affairs\n Canada ">'
         '<meta property="og:site_name" content="GAC">',
         "Global Affairs Canada"),
        ('<meta name="dc.publisher" content="UN Women">', "UN Women"),
        ('<meta property="og:site_name" content="Press room">'
         '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
         '"publisher": {"@id": "#org"}}, {"@id": "#org", "name": "Auswärtiges Amt"}]}</script>',
         "Auswärtiges Amt"),
        ('<script type="application/ld+json">[{"@type": "NewsArticle", '
         '"publisher": {"@type": "Organization", "name": "UNDP"}}]</script>',
         "UNDP"),
        ('<meta name="author" content="Yoko Kamikawa"><meta name="application-name" '
         'content="Press CMS"><meta name="dcterms.publisher" content=" ">'
         '<script type="application/ld+json">{"publisher": </script>',
         None),
        ("", None),
    ],
    ids=["og-site-name", "dcterms-over-site", "dc", "json-ld-graph", "json-ld-list",
         "author-app-name-blank-broken-json", "none"],
)  # fmt: skip
def test_a_page_states_its_publisher_in_its_metadata(head: str, publisher: str | None) -> None:
    document = read_bytes(_page_with(head), filename="page.html")
    assert document.publisher == publisher
    assert "WPS" in document.text


def test_plain_text_states_no_publisher() -> None:
    assert read_bytes(RELEASE.encode(), filename="release.txt").publisher is None


def _pdf(publisher: list[str] | None) -> bytes:
    from pypdf import PdfWriter
    from pypdf.xmp import XmpInformation
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setAuthor("Yoko Kamikawa")
    pdf.drawString(72, 770, "The ministers reaffirmed resolution 1325 (2000) in Tokyo.")
    pdf.save()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    if publisher is not None:
        xmp = XmpInformation.create()
        xmp.dc_publisher = publisher
        writer.xmp_metadata = xmp
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("names", "publisher"),
    [(["Ministry of Foreign Affairs of Japan"], "Ministry of Foreign Affairs of Japan"),
     ([" ", "UN Women"], "UN Women"), (None, None)],
    ids=["xmp", "first-non-blank", "author-only"],
)  # fmt: skip
def test_a_pdf_publisher_comes_from_its_xmp_dublin_core_never_its_author(
    names: list[str] | None, publisher: str | None
) -> None:
    document = read_bytes(_pdf(names), filename="statement.pdf")
    assert document.publisher == publisher
    assert "resolution 1325" in document.text


def test_a_word_document_states_no_publisher_even_with_an_author() -> None:
    import docx

    word = docx.Document()
    word.core_properties.author = "Yoko Kamikawa"
    word.add_paragraph("On July 3, the Ambassador signed a grant with UNDP.")
    buffer = io.BytesIO()
    word.save(buffer)
    assert read_bytes(buffer.getvalue(), filename="grant.docx").publisher is None
