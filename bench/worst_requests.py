"""Worst-case requests against a running server: time and the server's peak RSS for each.

    python bench/worst_requests.py [--json] [--case NAME ...]

Starts ``wpstrack serve`` on 127.0.0.1 over a fresh SQLite database in a temporary folder,
creates an editor with an API token, warms the extractor up with one small release, then
posts the worst documents of the hardening issue, each at or near the configured limits
(the 20 MB document limit, the page, character, element and unpacked-size limits), and
an anonymous 1 GiB upload announced by its Content-Length. For each it prints the status,
the outcome, the wall time and the server's peak RSS during that request (the kernel's
high-water mark, reset before each request through ``/proc/<pid>/clear_refs``), and the
server's CPU seconds for it (the wall time grows with the machine's load, the CPU time
hardly).

The acceptance: every request finishes within 10 s and the server stays under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readers import LINE, docx_bomb, docx_paragraphs, list_items, nested_divs, pdf_pages

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(data_dir: Path) -> str:
    """A migrated database with the reference data and an editor; returns its token."""
    from wpstrack import users
    from wpstrack.db import engine_from_settings, upgrade
    from wpstrack.reference.sync import sync_reference
    from wpstrack.settings import Settings

    engine = engine_from_settings(Settings(_env_file=None, data_dir=data_dir))
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        users.add_user(conn, users.user_in("editor", "editor", "a long bench password"), None)
        token = users.create_token(conn, "editor", "bench", actor=None)[1]
    engine.dispose()
    return token


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, user and system, all threads: unlike the wall time,
    what a request costs whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> bool:
    """Reset the process's RSS high-water mark (Linux 4.0+); False when not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def html(size_mb: int, unit: str) -> tuple[str, bytes]:
    body = unit * ((size_mb * MB - 100) // len(unit))
    return "page.html", f"<html><body><article>{body}</article></body></html>".encode()


def text(chars: int) -> tuple[str, bytes]:
    line = f"{LINE} On March 18, 2024 the meeting lasted for approximately 40 minutes.\n"
    return "long.txt", (line * (chars // len(line))).encode()


def japanese_text(chars: int) -> tuple[str, bytes]:
    """A Japanese release (tests/data/search) repeated to ``chars``: the first Japanese
    document a server reads also loads the Japanese analyser and romaniser."""
    release = (ROOT / "tests" / "data" / "search" / "ja-01.txt").read_text(encoding="utf-8")
    return "japanese.txt", (release * (chars // len(release) + 1))[:chars].encode()


CASES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "html 20 MB list items": lambda: html(20, "<li>an item</li>"),
    "html 20 MB nested divs": lambda: nested_divs(19 * MB // 12),
    "html 49,000 list items": lambda: list_items(49_000),  # 98,000 tags: under the limit
    "pdf 20,000 pages": lambda: pdf_pages(20_000),
    "pdf 1,000 pages (limit)": lambda: pdf_pages(1_000),
    "docx bomb 300 MB inside": lambda: docx_bomb(300),
    "docx 15 MB inside (limit)": lambda: docx_bomb(15),
    "docx 20,000 paragraphs": lambda: docx_paragraphs(20_000),
    "text 20 MB": lambda: text(20 * MB),
    "text 300,000 chars (limit)": lambda: text(299_000),
    "Japanese text 300,000 chars (limit)": lambda: japanese_text(299_000),
}


def post(client: httpx.Client, auth: dict[str, str], pid: int, case: str) -> dict[str, Any]:
    """One worst-case request; the peak is reset first, so it is this request's."""
    if case == "json body 1 MB":
        name, raw, request = "", b"", {"json": {"title": "x" * MB}}
        path = "/api/v1/activities/1/links"
    else:
        name, raw = CASES[case]()
        request, path = {"files": {"files": (name, raw)}}, "/api/v1/documents"
    reset_peak(pid)
    before = round(rss_mb(pid))
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    response = client.post(path, headers=auth, **request)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu
    result = response.json()
    outcome = (
        f"{result[0]['status']} {result[0].get('reason') or ''}".strip()
        if response.status_code == 201
        else result["error"]["code"]
    )
    return {
        "case": case,
        "bytes": len(raw),
        "status": response.status_code,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "outcome": outcome,
        "rss_before_mb": before,
        "peak_rss_mb": round(peak_rss_mb(pid)),
    }


def serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``wpstrack serve`` on a free port, once it answers."""
    port = free_port()
    env = os.environ | {"WPSTRACK_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "wpstrack", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.3)
    return server, port


def run(data_dir: Path, token: str, cases: list[str], fresh: bool) -> list[dict[str, Any]]:
    """Each case against a freshly started and warmed-up server (``fresh``: what one request
    costs), or all cases against one server in turn (what a server that keeps memory it
    was given keeps)."""
    auth = {"Authorization": f"Bearer {token}"}
    rows: list[dict[str, Any]] = []
    for batch in [[case] for case in cases] if fresh else [cases]:
        server, port = serve(data_dir)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                warm = (f"warm-up {len(rows)}.txt", text(2000)[1] + str(len(rows)).encode())
                client.post("/api/v1/documents", headers=auth, files={"files": warm})
                for case in batch:
                    rows.append(post(client, auth, server.pid, case))
            if batch[-1] == cases[-1]:
                rows.append(anonymous_gigabyte(port, server.pid))
        finally:
            server.terminate()
            server.wait(20)
    return rows


def anonymous_gigabyte(port: int, pid: int) -> dict[str, Any]:
    """An anonymous upload announcing 1 GiB: only its headers are sent before the answer."""
    reset_peak(pid)
    before = round(rss_mb(pid))
    head = (
        "POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {1024 * MB}\r\n\r\n"
    )
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head.encode())
        reply = conn.recv(65536)
    return {
        "case": "anonymous 1 GiB upload",
        "status": int(reply.split()[1]),
        "seconds": round(time.perf_counter() - started, 2),
        "outcome": "not read",
        "rss_before_mb": before,
        "peak_rss_mb": round(peak_rss_mb(pid)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--one-server", action="store_true", help="send every case to one server in turn"
    )
    parser.add_argument(
        "--case",
        action="append",
        choices=[*CASES, "json body 1 MB"],
        metavar="NAME",
        help="run only this case (repeatable; default: every case)",
    )
    options = parser.parse_args()
    cases = options.case or [*CASES, "json body 1 MB"]
    with tempfile.TemporaryDirectory() as folder:
        token = prepare(Path(folder))
        rows = run(Path(folder), token, cases, fresh=not options.one_server)
    load = os.getloadavg()[0]
    if options.json:
        print(json.dumps({"load_1min": load, "requests": rows}, indent=2))
        return
    mode = "one server for all" if options.one_server else "a fresh server for each"
    print(f"load average (1 min): {load:.2f}; {mode}; the server's RSS before -> peak")
    for row in rows:
        print(
            f"{row['case']:<27}{row.get('bytes', 0):>10} B {row['status']} "
            f"{row['seconds']:>6.2f}s (CPU {row.get('cpu_seconds', 0):>6.2f}s) "
            f"{row['rss_before_mb']:>4} -> {row['peak_rss_mb']:>4} MB"
            f"  {row['outcome']}"
        )
    worst = max(r["seconds"] for r in rows)
    print(
        f"slowest request {worst:.2f}s; highest peak RSS {max(r['peak_rss_mb'] for r in rows)} MB"
    )


if __name__ == "__main__":
    main()
