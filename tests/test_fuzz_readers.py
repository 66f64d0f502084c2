"""Fuzzing the readers and the extractor: random and mutated HTML, PDF, DOCX and text bytes
either read within the limits or are refused with a coded reason, never anything else.

A short budget (a few hundred examples, about 20 s) so that it runs in every CI build;
``WPSTRACK_FUZZ_EXAMPLES=5000`` runs a longer hunt by hand.
"""

from __future__ import annotations

import io
import math
import os
import time
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpstrack.documents import REASONS, DocumentRejected, read_bytes
from wpstrack.extract import extract_text
from wpstrack.limits import NUMBER_RANGES, ReadLimits

LIMITS = ReadLimits(max_bytes=200_000, max_unpacked_bytes=2_000_000, max_pages=20, max_chars=50_000)
PROSE = (
    "On March 18, 2024, commencing at 6:05 p.m. for approximately 40 minutes, Ms. KAMIKAWA "
    "Yoko, Minister for Foreign Affairs of Japan, held a dialogue with UN Women in New York "
    "and announced US$2 million for women, peace and security (UNSCR 1325).\n"
)
EXAMPLES = int(os.environ.get("WPSTRACK_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(
    max_examples=EXAMPLES or 300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def seeds() -> dict[str, bytes]:
    """One valid document of each format, to mutate."""
    import docx
    from pypdf import PdfWriter

    html = (
        "<!doctype html><html><head><title>Release</title>"
        '<script type="application/ld+json">{"datePublished": "2024-03-18"}</script></head>'
        f"<body><nav>Home</nav><article><h1>Dialogue</h1><p>{PROSE}</p><ol><li>one</li>"
        "<li>two</li></ol><table><tr><td>a<td>b</table></article></body></html>"
    )
    word = docx.Document()
    word.add_paragraph(PROSE)
    word.add_table(rows=2, cols=2).cell(0, 0).text = "cell"
    buffer = io.BytesIO()
    word.save(buffer)
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": "Release"})
    pdf = io.BytesIO()
    writer.write(pdf)
    return {
        "release.html": html.encode(),
        "release.docx": buffer.getvalue(),
        "release.pdf": pdf.getvalue(),
        "release.txt": PROSE.encode(),
    }


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed document with a few bytes flipped, inserted, deleted or cut off."""
    name = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[name])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut", "repeat"]))
        if action == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "cut":
            del data[at:]
        else:  # a stretch of the document repeated: long lists, deep nesting
            data[at:at] = bytes(data[at : at + 16]) * draw(st.integers(2, 200))
    return name, bytes(data)


def read_within_limits(name: str, raw: bytes) -> None:
    started = time.monotonic()
    try:
        document = read_bytes(raw, filename=name, limits=LIMITS)
    except DocumentRejected as exc:
        assert exc.reason in REASONS
        return
    assert 0 < len(document.text) <= LIMITS.max_chars
    assert time.monotonic() - started < LIMITS.max_seconds + 2


@FUZZ
@given(mutated())
def test_mutated_documents_are_read_or_refused_with_a_reason(case: tuple[str, bytes]) -> None:
    read_within_limits(*case)


@FUZZ
@given(
    st.sampled_from(["x.txt", "x.html", "x.pdf", "x.docx", None]),
    st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda b: b"%PDF-1.7\n" + b),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        st.text(max_size=2000).map(lambda t: ("<html><body>" + t).encode()),
    ),
)
def test_random_bytes_are_read_or_refused_with_a_reason(name: str | None, raw: bytes) -> None:
    read_within_limits(name or "noname", raw)


@settings(FUZZ, max_examples=EXAMPLES or 60)  # the pipeline is slower than the readers
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                [
                    PROSE,
                    "for approximately ",
                    " minutes",
                    " hours",
                    "US$",
                    " million",
                    "億円",
                    "時間",
                    "9" * 30,
                    "9" * 400,
                    "March 18, 99999",
                    "(local time; March 19, 7:05 a.m. JST)",
                ]
            ),
        ),
        max_size=30,
    ).map("".join)
)
def test_the_extractor_never_fails_and_keeps_numbers_in_range(text: str) -> None:
    record = extract_text(text)
    duration = record.get("duration_minutes")
    low, high = NUMBER_RANGES["duration_minutes"]
    assert duration is None or low <= duration <= high
    for money in record.get("money") or ():
        assert math.isfinite(money["amount"]) and money["amount"] <= NUMBER_RANGES["money"][1]
