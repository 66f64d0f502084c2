"""Reader cost against input size: each reader at 1x and 10x input, and the worst cases.

    python bench/readers.py [--json]

For each kind of input (list items, nested divs, PDF pages, DOCX paragraphs, plain text)
the reader runs over a 1x and a 10x input, each in a fresh process so that its peak RSS is
its own, and the time ratio is printed: a linear reader stays at or under 10 (a quadratic
one gave about 100). The ``scaling`` runs raise the limits so that the whole input is read;
the ``worst`` runs use the default limits on the inputs of the issue (a 20,000-page PDF, a
DOCX bomb, 100,000 nested divs) and show the refusal's time and memory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LINE = "The Minister held a dialogue on women, peace and security with UN Women staff."


def list_items(n: int) -> tuple[str, bytes]:
    items = "".join(f"<li>item {i} of the list</li>" for i in range(n))
    return "list.html", f"<html><body><article><ol>{items}</ol></article></body></html>".encode()


def nested_divs(n: int) -> tuple[str, bytes]:
    return "nested.html", ("<html><body>" + "<div>a" * n + "</div>" * n + "</body></html>").encode()


def deep_blocks(n: int) -> tuple[str, bytes]:
    """``n`` blocks each nested 500 deep: the deepest a page may be, many times over."""
    block = "<div class=content>x" * 500 + "</div>" * 500
    return "deep.html", ("<html><body>" + block * n + "</body></html>").encode()


def pdf_pages(n: int) -> tuple[str, bytes]:
    """A PDF of ``n`` pages, one line of text on each (Helvetica, no embedded font)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in range(n):
        content = f"BT /F1 12 Tf 72 712 Td ({LINE} Page {page}.) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (n, b" ".join(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return "pages.pdf", out.getvalue()


def docx_paragraphs(n: int) -> tuple[str, bytes]:
    import docx

    word = docx.Document()
    for number in range(n):
        word.add_paragraph(f"{LINE} Paragraph {number}.")
    buffer = io.BytesIO()
    word.save(buffer)
    return "paragraphs.docx", buffer.getvalue()


def docx_bomb(megabytes: int) -> tuple[str, bytes]:
    """A small DOCX whose body holds ``megabytes`` MB of one repeated paragraph (written in
    pieces, so that making it does not count in the reader's peak RSS)."""
    _name, small = docx_paragraphs(1)
    source = zipfile.ZipFile(io.BytesIO(small))
    paragraph = f"<w:p><w:r><w:t>{LINE}</w:t></w:r></w:p>".encode()
    piece = paragraph * (1024 * 1024 // len(paragraph))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "word/document.xml":
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                for _ in range(megabytes):
                    member.write(piece)
                member.write(tail)
    return "bomb.docx", buffer.getvalue()


def plain_text(n: int) -> tuple[str, bytes]:
    return "text.txt", ("\n".join(f"{LINE} Line {i}." for i in range(n)) + "\n").encode()


KINDS = {
    "list_items": (list_items, 20_000),
    "nested_divs": (nested_divs, 10_000),  # refused as too deep: the scan is the cost
    "deep_blocks": (deep_blocks, 20),
    "pdf_pages": (pdf_pages, 100),
    "docx_paragraphs": (docx_paragraphs, 2_000),
    "plain_text": (plain_text, 2_000),
}
WORST = {
    "list_items_20000": (list_items, 20_000),
    "nested_divs_100000": (nested_divs, 100_000),
    "pdf_pages_20000": (pdf_pages, 20_000),
    "docx_bomb_300MB": (docx_bomb, 300),
}


def measure(kind: str, size: int, scaling: bool) -> dict[str, Any]:
    """Read one generated input in this process: time, outcome and peak RSS."""
    from wpstrack.documents import DocumentRejected, read_bytes
    from wpstrack.limits import ReadLimits

    make = {**KINDS, **WORST}[kind][0]
    name, raw = make(size)
    # Scaling runs read everything (bar the nesting, whose refusal is the linear path).
    limits = (
        ReadLimits(
            max_bytes=None,
            max_unpacked_bytes=1 << 34,
            max_pages=10**6,
            max_chars=10**9,
            max_elements=10**9,
            max_seconds=10**6,
        )
        if scaling
        else ReadLimits()
    )
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings, cpu = [], []
    # The best of three, in CPU time as well as wall time: on a shared machine a burst of
    # load inflates the wall time of single runs, hardly the CPU time they use.
    for _ in range(3 if scaling else 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            outcome = f"read, {len(read_bytes(raw, filename=name, limits=limits).text)} chars"
        except DocumentRejected as exc:
            outcome = f"refused: {exc.reason}"
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    seconds = min(timings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "kind": kind,
        "size": size,
        "bytes": len(raw),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(min(cpu), 3),
        "outcome": outcome,
        "peak_rss_mb": round(peak),
        "rss_before_mb": round(base),
    }


def in_child(kind: str, size: int, scaling: bool) -> dict[str, Any]:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    args = [sys.executable, __file__, "--child", kind, str(size), str(int(scaling))]
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout
    return dict(json.loads(out.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, size, scaling = options.child
        print(json.dumps(measure(kind, int(size), scaling == "1")))
        return
    scaling = []
    for kind, (_, size) in KINDS.items():
        one, ten = in_child(kind, size, True), in_child(kind, size * 10, True)
        ratio = ten["cpu_seconds"] / max(one["cpu_seconds"], 1e-3)
        scaling.append(
            {"kind": kind, "1x": one, "10x": ten, "ratio": round(ratio, 1), "linear": ratio <= 10}
        )
    worst = [in_child(kind, size, False) for kind, (_, size) in WORST.items()]
    load = os.getloadavg()[0]
    if options.json:
        print(json.dumps({"load_1min": load, "scaling": scaling, "worst": worst}, indent=2))
        return
    print(f"load average (1 min): {load:.2f}")
    print("times are CPU seconds (wall seconds), best of three; the ratio is of CPU time")
    print(f"{'input':<16}{'1x':>8}{'':>18}{'10x':>8}{'':>18}{'ratio':>7}  peak RSS 1x/10x")
    for row in scaling:
        one, ten = row["1x"], row["10x"]
        print(
            f"{row['kind']:<16}{one['size']:>8} {one['cpu_seconds']:>7.3f} ({one['seconds']:.3f})"
            f"{ten['size']:>8} {ten['cpu_seconds']:>7.3f} ({ten['seconds']:.3f})"
            f"{row['ratio']:>7}  {one['peak_rss_mb']}/{ten['peak_rss_mb']} MB"
            + ("" if row["linear"] else "  NOT LINEAR")
        )
    print("\nworst cases under the default limits (peak RSS includes making the input):")
    for row in worst:
        print(
            f"{row['kind']:<20}{row['bytes']:>10} B {row['seconds']:>7.3f}s "
            f"{row['peak_rss_mb']:>5} MB (input made: {row['rss_before_mb']} MB)  {row['outcome']}"
        )


if __name__ == "__main__":
    main()
