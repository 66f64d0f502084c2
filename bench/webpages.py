"""What reading a web page costs with trafilatura, and what skipping furniture costs.

    python bench/webpages.py [--repeat 20] [--json]

Over the HTML files of ``tests/data/pages`` (repeated ``--repeat`` times), on one core:

- ``read_ms``: the whole reader per page (:func:`wpstrack.documents.read_bytes`), with
  trafilatura's main content;
- ``trafilatura_ms``: trafilatura alone (:func:`wpstrack.webpage.main_content`), the part
  of ``read_ms`` it adds;
- ``view_ms``: finding the main content again in the stored text and blanking furniture
  (:func:`wpstrack.extract.furniture.release_view`), per document, over every page capture
  (HTML and text) and the development corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))

from extract import machine, pin_to_one_core  # noqa: E402


def _per_item_ms(run: Any, items: list[Any], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            run(item)
    return (time.perf_counter() - start) * 1000 / (repeat * len(items))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cpu = pin_to_one_core()
    from wpstrack.documents import read_bytes, read_path
    from wpstrack.extract.furniture import release_view
    from wpstrack.limits import Deadline
    from wpstrack.webpage import main_content

    pages = REPO / "tests" / "data" / "pages"
    html = [(p.read_bytes(), p.name) for p in sorted(pages.glob("*.html"))]
    documents = [read_path(p) for p in sorted(pages.glob("pages-*"))]
    dev = REPO.parent / "shared" / "corpus" / "dev"
    for path in sorted(dev.glob("dev-*")) if dev.is_dir() else ():
        try:
            documents.append(read_path(path))
        except Exception:  # the corpus holds files the reader refuses, on purpose
            continue
    read_bytes(*html[0][:1], filename=html[0][1])  # warm up: imports, trafilatura's setup
    deadline = Deadline(3600.0)
    figures = {
        "html_pages": len(html),
        "read_ms": _per_item_ms(lambda h: read_bytes(h[0], filename=h[1]), html, args.repeat),
        "trafilatura_ms": _per_item_ms(
            lambda h: main_content(h[0].decode("utf-8"), deadline),
            html,
            args.repeat,
        ),
        "view_documents": len(documents),
        "view_ms": _per_item_ms(
            lambda d: release_view(d.text, d.main_text, d.title), documents, args.repeat
        ),
        "cpu": cpu,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(figures))
        return
    for name, value in figures.items():
        print(f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
