"""The login throttle: slows password guessing down without locking an account's owner out.

Attempts are rows in ``login_attempt`` (time, username, address, success), so the throttle
holds across processes and restarts. Functions take the instant ``at`` from the caller, which
is what lets tests run the clock forward instead of sleeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, func, or_, select

from wpstrack import schema
from wpstrack.audit import as_utc
from wpstrack.errors import TooManyAttempts


@dataclass(frozen=True)
class LoginLimits:
    """How the login throttle slows guessing down without locking the owner out.

    Per (account, address) pair: after ``free_failures`` failures in a row, each further try
    waits ``first_delay`` after the last failure, doubled per failure up to ``max_delay``. It is
    per pair so that failures from one place never refuse the right password from another
    (a lock per account let anyone lock its owner out), and a success ends the run.
    Per address: after ``per_address`` failures within ``window`` (one place trying many
    accounts), tries from there are spaced ``address_spacing`` apart: slower, never closed.
    An account that logged in from that address within ``known_for`` is not slowed by it,
    so colleagues behind one NAT are not held up by a guesser among them.
    """

    free_failures: int = 3
    first_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=15)
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    address_spacing: timedelta = timedelta(seconds=5)
    known_for: timedelta = timedelta(days=30)

    def pair_delay(self, failures: int) -> timedelta:
        """The wait after the last of ``failures`` consecutive failures of one pair."""
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 40)  # bounded before the multiply
        return min(self.first_delay * 2**doublings, self.max_delay)


def _pair_wait(
    conn: Connection, username: str, address: str, limits: LoginLimits, at: datetime
) -> timedelta:
    t = schema.login_attempt
    pair = and_(t.c.username == username, t.c.address == address)
    last_ok = conn.execute(select(func.max(t.c.at)).where(pair, t.c.succeeded.is_(True))).scalar()
    failed = select(func.count(), func.max(t.c.at)).where(pair, t.c.succeeded.is_(False))
    if last_ok is not None:
        failed = failed.where(t.c.at > last_ok)
    failures, last_failure = conn.execute(failed).one()
    if not failures:
        return timedelta(0)
    return as_utc(last_failure) + limits.pair_delay(int(failures)) - at


def _address_wait(
    conn: Connection, username: str, address: str, limits: LoginLimits, at: datetime
) -> timedelta:
    t = schema.login_attempt
    known = select(t.c.id).where(
        t.c.username == username,
        t.c.address == address,
        t.c.succeeded.is_(True),
        t.c.at > at - limits.known_for,
    )
    if conn.execute(known.limit(1)).first() is not None:
        return timedelta(0)
    recent = select(func.count(), func.max(t.c.at)).where(
        t.c.address == address, t.c.succeeded.is_(False), t.c.at > at - limits.window
    )
    failures, last_failure = conn.execute(recent).one()
    if failures < limits.per_address:
        return timedelta(0)
    return as_utc(last_failure) + limits.address_spacing - at


def check(conn: Connection, username: str, address: str, limits: LoginLimits, at: datetime) -> None:
    """Raise :class:`TooManyAttempts` (with the seconds to wait) while a wait is running."""
    for wait, what in (
        (_pair_wait(conn, username, address, limits, at), "for this account from here"),
        (_address_wait(conn, username, address, limits, at), "from this address"),
    ):
        if wait > timedelta(0):
            seconds = math.ceil(wait.total_seconds())
            raise TooManyAttempts(
                f"too many failed logins {what}; try again in {seconds} seconds",
                retry_after=seconds,
            )


def record(
    conn: Connection, username: str, address: str, ok: bool, limits: LoginLimits, at: datetime
) -> None:
    """Write one attempt, and forget the attempts that no longer count."""
    t = schema.login_attempt
    # Failures matter for a day at most (the longest wait is far shorter); successes are
    # kept for ``known_for``, as they mark the addresses an account is used from.
    stale_failure = and_(t.c.succeeded.is_(False), t.c.at < at - timedelta(days=1))
    conn.execute(delete(t).where(or_(stale_failure, t.c.at < at - limits.known_for)))
    conn.execute(t.insert().values(at=at, username=username, address=address, succeeded=ok))
