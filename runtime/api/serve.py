"""`automate serve`: the API, webhooks, the scheduler and the live page under uvicorn."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = ["make_server", "serve"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(config_dir: Path | None, host: str | None = None, port: int | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM (then stop gracefully); the exit status."""
    try:
        import uvicorn
    except ImportError:
        print("automate: serve needs the `server` extra: pip install 'automate[server]'", file=sys.stderr)
        return 2
    from automate.runtime.api.app import create_app
    from automate.runtime.runtime import Runtime

    runtime = Runtime.from_config(config_dir)
    settings = runtime.config.settings.server
    app = create_app(runtime, config_dir=config_dir)
    bind, bind_port = host or settings.host, settings.port if port is None else port
    config = uvicorn.Config(
        app,
        host=bind,
        port=bind_port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
        lifespan="on",
    )
    server = make_server(config)

    async def go() -> None:
        try:
            await server.serve()
        finally:
            await runtime.aclose()

    shown = f"[{bind}]" if ":" in bind else bind
    url = f"http://{shown}:{bind_port}/"
    print(f"automate: serving {url} (API docs at {url}docs); Ctrl-C to stop", file=sys.stderr)
    asyncio.run(go())
    return 0 if server.started else 1


def make_server(config: Any) -> Any:
    """A uvicorn server for `config` that stops the way `automate serve` should.

    On shutdown it first ends the app's open event streams (clients reconnect
    and resume), so a stop does not wait on them. And uvicorn re-raises the
    signal that stopped it once it has shut down, which would kill the process
    before the runtime closes its adapters and store: here that re-raised
    signal lands on a handler that ignores it.
    """
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            state = getattr(getattr(self.config.app, "state", None), "automate", None)
            if state is not None:
                state.feed.stop()
            await super().shutdown(sockets)

        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                with super().capture_signals():
                    yield
                return
            originals = {sig: signal.signal(sig, _ignore) for sig in _STOP_SIGNALS}
            try:
                with super().capture_signals():
                    yield
            finally:
                for sig, handler in originals.items():
                    signal.signal(sig, handler)

    return Server(config)


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """The signal uvicorn re-raises after a graceful stop: already handled."""
