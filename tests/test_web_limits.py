"""Request bodies: limited while they stream, and never read for a caller who may not upload.

The in-process client covers declared lengths; a real uvicorn on 127.0.0.1 covers a chunked
body that only passes the limit as it streams (the test client sends bodies whole).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI

from wpstrack.settings import Settings
from wpstrack.web import create_app

if TYPE_CHECKING:
    from conftest import WebSite

BOUNDARY = "wpstrackboundary"
RELEASE = (
    "March 18, 2024\nMinister meets UN Women\n\nOn March 18, Ms. KAMIKAWA Yoko, Minister for "
    "Foreign Affairs of Japan, held a dialogue with staff of UN Women on UNSCR 1325.\n"
)


def multipart(content: bytes, name: str = "release.txt") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def limited_app(web: WebSite, upload: int = 50_000, body: int = 2_000) -> FastAPI:
    settings = Settings(
        _env_file=None, database_url=web.url, max_request_bytes=upload, max_body_bytes=body
    )
    return create_app(settings, engine=web.engine)


def call(
    app: FastAPI, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, int, bytes]:
    """POST ``chunks`` to ``app`` in-process: (status, body chunks the app pulled, response)."""
    pulled = 0
    replies: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {
                "type": "http.request",
                "body": chunks[pulled - 1],
                "more_body": pulled < len(chunks),
            }
        await asyncio.sleep(3600)  # a client that sends nothing more
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        replies.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 60))
    start = next(m for m in replies if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in replies if m["type"] == "http.response.body")
    return start["status"], pulled, body


def upload_chunks(size: int = 40_000) -> list[bytes]:
    body = multipart(RELEASE.encode() + b" " * size)
    return [body[i : i + 4096] for i in range(0, len(body), 4096)]


MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


@pytest.mark.parametrize("role", [None, "viewer"])
def test_an_api_upload_by_a_caller_who_may_not_upload_is_refused_before_its_body_is_read(
    web: WebSite, role: str | None
) -> None:
    status, pulled, body = call(
        limited_app(web), "/api/v1/documents", MULTIPART | web.bearer(role), upload_chunks()
    )
    assert status == (401 if role is None else 403), body
    assert pulled == 0


def test_an_anonymous_page_upload_is_refused_before_its_body_is_read(web: WebSite) -> None:
    status, pulled, _body = call(limited_app(web), "/documents", MULTIPART, upload_chunks())
    assert status in {303, 403}
    assert pulled == 0


def test_an_editor_upload_within_the_limit_is_read_and_ingested(web: WebSite) -> None:
    chunks = upload_chunks(10_000)
    headers = MULTIPART | web.bearer("editor")
    status, pulled, body = call(limited_app(web), "/api/v1/documents", headers, chunks)
    assert status == 201, body
    assert pulled == len(chunks)
    assert json.loads(body)[0]["status"] in {"ingested", "already present"}


def test_a_declared_length_over_the_limit_is_refused_before_reading(web: WebSite) -> None:
    chunks = upload_chunks(100_000)
    headers = MULTIPART | web.bearer("editor") | {"content-length": str(sum(map(len, chunks)))}
    status, pulled, body = call(limited_app(web), "/api/v1/documents", headers, chunks)
    assert (status, pulled) == (413, 0)
    assert json.loads(body)["error"]["code"] == "W021"


def test_a_body_without_a_length_is_refused_once_it_passes_the_limit(web: WebSite) -> None:
    chunks = upload_chunks(200_000)
    headers = MULTIPART | web.bearer("editor")
    status, pulled, body = call(
        limited_app(web, upload=50_000), "/api/v1/documents", headers, chunks
    )
    assert status == 413, body
    assert pulled * 4096 <= 50_000 + 4096  # not one chunk read after the one over the limit
    assert json.loads(body)["error"]["code"] == "W021"


def test_a_json_body_over_the_body_limit_is_refused(web: WebSite) -> None:
    client_app = limited_app(web, body=2_000)
    from fastapi.testclient import TestClient

    client = TestClient(client_app)
    payload = {"title": "x" * 5_000}
    path = "/api/v1/activities/1/links"
    response = client.post(path, json=payload, headers=web.bearer("editor"))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "W021"
    page = client.post("/login", data={"username": "x" * 5_000, "password": "y"})
    assert page.status_code == 413
    assert "[W021]" in page.text


# --- a real server: the body streams in chunks over a socket ------------------------------


@pytest.fixture()
def server(web: WebSite) -> Iterator[tuple[str, int]]:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(limited_app(web, upload=200_000), log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield sock.getsockname()
    running.should_exit = True
    thread.join(10)
    sock.close()


def test_a_real_server_refuses_a_chunked_upload_as_it_passes_the_limit(
    web: WebSite, server: tuple[str, int]
) -> None:
    head = (
        "POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {web.tokens['editor']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 65536
    sent = 0
    with socket.create_connection(server, timeout=30) as conn:
        conn.sendall(head.encode())
        part = multipart(b"")[: -len(f"\r\n--{BOUNDARY}--\r\n")]  # a part that never ends
        conn.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
        try:
            # Up to 64 MB: far past the limit, and more than the socket buffers hold.
            for _ in range(1024):
                conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed the connection: stop sending
        reply = b""
        while b"\r\n\r\n" not in reply:
            data = conn.recv(65536)
            if not data:
                break
            reply += data
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert sent < 1024 * len(chunk)  # refused while streaming, not after the whole body


def test_an_api_upload_with_an_absurd_number_is_ingested_not_a_server_error(web: WebSite) -> None:
    from fastapi.testclient import TestClient

    absurd = RELEASE + "The dialogue lasted for approximately 99999999999999999999 minutes.\n"
    files = [("files", ("absurd.txt", absurd.encode(), "text/plain"))]
    response = TestClient(web.app).post(
        "/api/v1/documents", files=files, headers=web.bearer("editor")
    )
    assert response.status_code == 201, response.text
    assert response.json()[0]["status"] == "ingested"
