"""The HTTP API of `automate serve`: tasks, workflows, live run events, webhooks and a web page.

    app = create_app(runtime)                    # token and webhooks from settings.yaml `server:`
    await uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=8765)).serve()

FastAPI and uvicorn come with the `server` extra; nothing imports this package
unless `automate serve` (or an embedding program) asks for it.
"""

from __future__ import annotations

from automate.runtime.api.app import create_app

__all__ = ["create_app"]
