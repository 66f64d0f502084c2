"""Running the app under Uvicorn with a bounded shutdown.

On SIGTERM or Ctrl+C Uvicorn stops accepting connections and waits for the requests in
flight. Without a bound a single stuck request (a client that stalls in the middle of an
upload, a handler waiting on a lock) keeps the process alive until a supervisor kills it
hard. Here requests get ``shutdown_timeout`` seconds to finish, then Uvicorn cancels them.
A request running in a worker thread cannot be cancelled (Python cannot stop a thread, and
anyio waits for it), so a watchdog ends the process a moment after the bound: the database
rolls back whatever that request had not committed.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import uvicorn

# Time given, after the requests' bound, to the app's own shutdown (closing the engine).
SHUTDOWN_MARGIN = 3.0
FORCED_EXIT_STATUS = 1
logger = logging.getLogger("wpstrack.server")


class BoundedServer(uvicorn.Server):
    """A Uvicorn server whose shutdown, once asked for, ends within a bound."""

    def __init__(self, config: uvicorn.Config, shutdown_timeout: int) -> None:
        super().__init__(config)
        self.shutdown_timeout = shutdown_timeout
        self._watchdog: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: Any) -> None:
        if self._watchdog is None:
            bound = self.shutdown_timeout + SHUTDOWN_MARGIN
            self._watchdog = threading.Timer(bound, _force_exit, args=(bound,))
            self._watchdog.daemon = True  # a clean shutdown does not wait for it
            self._watchdog.start()
        super().handle_exit(sig, frame)


def _force_exit(bound: float) -> None:
    logger.error("requests still running %.0f s after the shutdown signal: exiting", bound)
    logging.shutdown()
    os._exit(FORCED_EXIT_STATUS)


def serve(app: Any, *, host: str, port: int, shutdown_timeout: int) -> None:
    """Serve ``app`` until a signal; requests in flight then get ``shutdown_timeout`` s."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        # Behind a TLS proxy on this host, https is seen and cookies get Secure.
        proxy_headers=True,
        log_level="info",
        timeout_graceful_shutdown=max(0, shutdown_timeout),
    )
    BoundedServer(config, shutdown_timeout=max(0, shutdown_timeout)).run()
