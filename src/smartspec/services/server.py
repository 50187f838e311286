"""Run the platform on a real uvicorn server in a background thread (notebooks, tests).

>>> from smartspec.app import SmartSpecApp            # doctest: +SKIP
>>> with running(SmartSpecApp()) as url:              # doctest: +SKIP
...     print(url)                                    # e.g. http://127.0.0.1:40213
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["running"]


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def running(
    app: Any, *, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 20.0
) -> Iterator[str]:
    """Serve ``app`` (a :class:`~smartspec.app.SmartSpecApp`) until the block ends.

    Parameters
    ----------
    app : SmartSpecApp
        The application; its :meth:`~smartspec.app.SmartSpecApp.asgi` is served.
    host : str
        Address to listen on (loopback by default).
    port : int
        Port; 0 picks a free one.
    start_timeout : float
        Seconds to wait for the server to accept connections.

    Yields
    ------
    str
        The base URL, e.g. ``http://127.0.0.1:40213``.

    Raises
    ------
    RuntimeError
        When the server did not start in time (the port is taken, for example).
    """
    import uvicorn

    port = port or _free_port(host)
    config = uvicorn.Config(app.asgi(), host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"smartspec-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError(f"the server on {host}:{port} did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
