"""Values kept until a write (``wpstrack.db.kept_until_write``): one computation per key at a
time, and a key's computation never holds up another key."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine

from wpstrack.db import _keeper, kept_until_write

WAIT = 20  # seconds: far more than any step below takes; a hang fails instead of blocking


def _kept(engine: Engine, key: Any, compute: Any) -> Any:
    with engine.connect() as conn:
        return kept_until_write(conn, key, compute)


def test_a_slow_key_does_not_hold_up_another(engine: Engine) -> None:
    """While one request computes a key, a request for another key is answered: 1 and 65
    shared a lock when keys were spread over 64 locks by hash, so the dashboard waited
    seconds behind another page's figures under a writer (bench/load.py on PostgreSQL)."""
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        assert release.wait(WAIT)
        return "slow"

    first = threading.Thread(target=_kept, args=(engine, 1, slow))
    first.start()
    try:
        assert started.wait(WAIT)
        other: list[Any] = []
        second = threading.Thread(target=lambda: other.append(_kept(engine, 65, lambda: "other")))
        second.start()
        second.join(WAIT / 4)
        assert other == ["other"], "the other key waited for the slow one"
    finally:
        release.set()
        first.join(WAIT)


def test_requests_for_one_key_wait_for_one_computation(engine: Engine) -> None:
    """Requests arriving while a key is computed get that value; nothing is left behind."""
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []
    answers: list[Any] = []

    def compute() -> list[str]:
        calls.append(1)
        started.set()
        assert release.wait(WAIT)
        return ["figures"]

    key = ("kept test", "one key")
    threads = [
        threading.Thread(target=lambda: answers.append(_kept(engine, key, compute)))
        for _ in range(5)
    ]
    threads[0].start()
    assert started.wait(WAIT)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert answers == [["figures"]] * 5
    assert len(calls) == 1
    assert _keeper(engine).turns == {}


def test_each_request_gets_its_own_copy_of_a_kept_value(engine: Engine) -> None:
    """A page that changes the figures it got (adds labels, sorts a list) changes only its
    copy: the kept value is stored frozen, for values that pickle and for those that do not."""
    unpicklable = lambda: None  # noqa: E731
    for n, make in enumerate(
        (lambda: {"by_country": [{"code": "KE", "count": 3}]}, lambda: {"f": [unpicklable]})
    ):
        key = ("own copy", n)
        assert _kept(engine, key, make) == make()
        hit = _kept(engine, key, lambda: {"computed": "again"})
        assert hit == make(), "not the kept value"
        hit.clear()
        assert _kept(engine, key, lambda: {"computed": "again"}) == make(), (
            "the kept value changed with a caller's copy"
        )
