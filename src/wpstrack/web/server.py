"""Running the app under Uvicorn with a bounded shutdown.

On SIGTERM or Ctrl+C Uvicorn stops accepting connections and waits for the requests in
flight. Without a bound a single stuck request (a client that stalls in the middle of an
upload, a handler waiting on a lock) keeps the process alive until a supervisor kills it
hard. Here requests get ``shutdown_timeout`` seconds to finish, then Uvicorn cancels them.
A request running in a worker thread cannot be cancelled (Python cannot stop a thread, and
anyio waits for it), so a watchdog ends the process a moment after the bound: the database
rolls back whatever that request had not committed.

With ``workers`` above one, the parent binds the socket and starts that many worker
processes (spawned, so none inherits the parent's threads or connections); each builds its
own app and engine from the same settings (the environment) and accepts connections on the
shared socket, so requests spread over the cores: one process runs Python on one core at a
time. The parent passes SIGTERM or Ctrl+C on to every worker, which then shuts down within
its bound as above, and replaces a worker that dies. Nothing a worker keeps in memory is
needed by another: sessions, the login throttle and the token stamps are in the database,
and the session key is configured or kept in the data dir (made before the workers start).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.context import SpawnProcess
from typing import Any

import uvicorn

# Time given, after the requests' bound, to the app's own shutdown (closing the engine).
SHUTDOWN_MARGIN = 3.0
FORCED_EXIT_STATUS = 1
# What each worker process serves: the app built from the settings in the environment.
APP_FACTORY = "wpstrack.web.server:app_from_environment"
# A worker that dies sooner than this after its start is not restarted (it would die again).
MIN_WORKER_LIFE = 10.0
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


def _config(app: Any, host: str, port: int, shutdown_timeout: int, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        # Behind a TLS proxy on this host, https is seen and cookies get Secure.
        proxy_headers=True,
        log_level="info",
        timeout_graceful_shutdown=max(0, shutdown_timeout),
        **extra,
    )


def serve(app: Any, *, host: str, port: int, shutdown_timeout: int) -> None:
    """Serve ``app`` until a signal; requests in flight then get ``shutdown_timeout`` s."""
    config = _config(app, host, port, shutdown_timeout)
    BoundedServer(config, shutdown_timeout=max(0, shutdown_timeout)).run()


def app_from_environment() -> Any:
    """The app over the database the environment's settings name (one per worker process)."""
    from wpstrack.db import existing_engine
    from wpstrack.extract.warm_up import warm_up
    from wpstrack.settings import Settings
    from wpstrack.web.app import create_app

    settings = Settings()
    app = create_app(settings, engine=existing_engine(settings))
    warm_up()  # before the process takes requests (wpstrack.extract.warm_up says why)
    return app


def _worker(config: uvicorn.Config, sock: socket.socket, shutdown_timeout: int) -> None:
    config.configure_logging()
    BoundedServer(config, shutdown_timeout=shutdown_timeout).run(sockets=[sock])


def serve_workers(*, host: str, port: int, shutdown_timeout: int, workers: int) -> None:
    """Serve the app of :func:`app_from_environment` from ``workers`` processes sharing one
    socket, until SIGTERM or Ctrl+C; each then shuts down within ``shutdown_timeout`` s."""
    bound = max(0, shutdown_timeout)
    config = _config(APP_FACTORY, host, port, bound, factory=True, workers=workers)
    sock = config.bind_socket()
    multiprocessing.allow_connection_pickling()  # the socket goes to spawned processes
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start() -> tuple[SpawnProcess, float]:
        process = spawn.Process(target=_worker, args=(config, sock, bound), daemon=False)
        process.start()
        return process, time.monotonic()

    def on_signal(_sig: int, _frame: Any) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    running = [start() for _ in range(workers)]
    try:
        while not stop.wait(0.5):
            for i, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if time.monotonic() - started < MIN_WORKER_LIFE:
                    logger.error(
                        "worker %s exited at start (%s): stopping", process.pid, process.exitcode
                    )
                    stop.set()
                    break
                logger.error(
                    "worker %s exited (%s): starting another", process.pid, process.exitcode
                )
                running[i] = start()
    finally:
        for process, _ in running:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process, _ in running:
            # Each worker ends itself within its bound (BoundedServer); the margin covers it.
            process.join(bound + 2 * SHUTDOWN_MARGIN)
            if process.is_alive():
                process.kill()
                process.join()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
