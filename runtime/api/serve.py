"""`automate serve`: the API, webhooks, the scheduler and the live page under uvicorn."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

__all__ = ["serve"]


def serve(config_dir: Path | None, host: str | None = None, port: int | None = None) -> int:
    """Serve until interrupted; the exit status."""
    try:
        import uvicorn
    except ImportError:
        print("automate: serve needs the `server` extra: pip install 'automate[server]'", file=sys.stderr)
        return 2
    from runtime.api.app import create_app
    from runtime.runtime import Runtime

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
    server = uvicorn.Server(config)

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
