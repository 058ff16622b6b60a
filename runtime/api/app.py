"""The app factory: `create_app(runtime)` wires routes, auth, limits, the scheduler and the page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request, status
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from automate.integrations.errors import (
    AutomationError,
    CircuitOpen,
    ConfigError,
    InvalidRequest,
    NotFound,
    TransientError,
)
from automate.integrations.logs import get_logger
from automate.integrations.redaction import redact
from automate.runtime.api.auth import BearerAuth
from automate.runtime.api.feed import RunFeed
from automate.runtime.api.hook_routes import hooks_router
from automate.runtime.api.hooks import hooks_from_settings
from automate.runtime.api.launcher import Launcher
from automate.runtime.api.models import UNPROCESSABLE, HealthView
from automate.runtime.api.routes import api_router
from automate.runtime.api.state import ServerState
from automate.runtime.executor import RunBusy
from automate.runtime.runtime import Runtime
from automate.runtime.workflows import Catalog, targets_for, workflow_dirs

if TYPE_CHECKING:
    from automate.runtime.schedule import Scheduler

__all__ = ["MIN_TOKEN_CHARS", "PAGE_HEADERS", "STATIC_DIR", "create_app"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
MIN_TOKEN_CHARS = 16
log = get_logger("automate.api")
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    # The page loads only its own script and style and talks only to this server.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(
    runtime: Runtime,
    *,
    token: str | None = None,
    catalog: Catalog | None = None,
    config_dir: Path | None = None,
    scheduler: bool | Scheduler = True,
    heartbeat: float = 15.0,
    shutdown_grace: float = 5.0,
) -> FastAPI:
    """The API for `runtime`; the token, body limit and webhooks default to its `server` settings.

    `catalog` defaults to the workflows of the shipped and `config_dir`
    directories. With `scheduler`, cron and chained workflows fire inside the
    server (and unfinished runs resume when it starts); a `Scheduler` given
    is used as it is (tests give one a fake clock). Raises `ConfigError`
    if no token is configured or a webhook is unusable.
    """
    settings = runtime.config.settings.server
    secret = token if token is not None else (settings.token.get_secret_value() if settings.token else None)
    if not secret:
        raise ConfigError(
            "settings.yaml", "server.token", "no API token: set AUTOMATE_API_TOKEN (see docs/api.md)"
        )
    if len(secret) < MIN_TOKEN_CHARS:
        raise ConfigError(
            "settings.yaml", "server.token", f"the API token needs at least {MIN_TOKEN_CHARS} characters"
        )
    if catalog is None:
        agents = [type(agent) for agent in runtime.agents.values()]
        catalog = Catalog.scan(workflow_dirs(config_dir), targets_for(runtime.config, agents))
    launcher = Launcher()
    state = ServerState(
        runtime=runtime,
        catalog=catalog,
        hooks=hooks_from_settings(settings.webhooks, catalog.workflows),
        launcher=launcher,
        feed=RunFeed(runtime.store, launcher, heartbeat=heartbeat),
    )
    if scheduler is True:
        from automate.runtime.schedule import Scheduler

        state.scheduler = Scheduler(runtime, catalog.workflows)
    elif scheduler is not False:
        state.scheduler = scheduler
    if state.scheduler is not None and any(
        w.spec.trigger.kind == "event" for w in catalog.workflows.values()
    ):
        launcher.on_end = _chain_now(state)

    app = FastAPI(
        title="automate",
        version="0.1.0",
        summary="Agents that own your integrations: tasks, workflows and live runs over HTTP.",
        lifespan=_lifespan(state, shutdown_grace),
    )
    app.state.automate = state
    from automate.runtime.api.limits import BodyLimit

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.include_router(
        api_router(state),
        prefix="/api",
        dependencies=[Depends(BearerAuth(secret))],
        responses={401: {"description": "missing or wrong bearer token"}},
    )
    app.include_router(hooks_router(state))
    _add_health_and_page(app, state)
    _add_error_handlers(app)
    return app


def _lifespan(state: ServerState, grace: float) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.feed.open()
        ticking = None
        if state.scheduler is not None:
            ticking = asyncio.ensure_future(_keep_scheduling(state))
        log.info("api_started", workflows=len(state.catalog.workflows), hooks=len(state.hooks))
        try:
            yield
        finally:
            if ticking is not None:
                ticking.cancel()
                with suppress(asyncio.CancelledError):
                    await ticking
            await state.launcher.shutdown(grace)
            if state.scheduler is not None:
                with suppress(TimeoutError):
                    await asyncio.wait_for(state.scheduler.drain(), grace)
            state.feed.close()

    return lifespan


async def _keep_scheduling(state: ServerState) -> None:
    """The scheduler loop, restarted after an unexpected error so one bad tick does not stop it."""
    assert state.scheduler is not None
    while True:
        try:
            await state.scheduler.run_forever()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("scheduler_crashed", error=type(exc).__name__, message=str(redact(str(exc))))
            await asyncio.sleep(5.0)


def _chain_now(state: ServerState) -> Callable[[], None]:
    """A tick as soon as a run started here ends, so the workflows it triggers start now, not within a minute.

    The scheduler's own loop sleeps until the next cron time (up to a minute)
    and reads the event log when it wakes; an extra tick reads it at once.
    Ticks are idempotent: each follower's run id comes from its trigger's run.
    """
    assert state.scheduler is not None
    scheduler = state.scheduler
    pending: set[asyncio.Task[Any]] = set()

    async def guarded() -> None:
        try:
            await scheduler.tick()
        except Exception as exc:  # the loop's own next tick tries again
            log.warning("chain_tick_failed", error=type(exc).__name__, message=str(redact(str(exc))))

    def tick() -> None:
        task = asyncio.ensure_future(guarded())
        pending.add(task)
        task.add_done_callback(pending.discard)

    return tick


def _add_health_and_page(app: FastAPI, state: ServerState) -> None:
    @app.get("/health", response_model=HealthView, tags=["health"], summary="Liveness (no token needed)")
    async def health() -> HealthView:
        """The server answers; how many runs it is carrying; whether its scheduler runs."""
        return HealthView(runs_in_flight=state.launcher.in_flight, scheduler=state.scheduler is not None)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


_STATUS: tuple[tuple[type[AutomationError], int], ...] = (
    (InvalidRequest, UNPROCESSABLE),
    (ConfigError, UNPROCESSABLE),
    (NotFound, status.HTTP_404_NOT_FOUND),
    (RunBusy, status.HTTP_409_CONFLICT),
    (TransientError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (CircuitOpen, status.HTTP_503_SERVICE_UNAVAILABLE),
)


def _add_error_handlers(app: FastAPI) -> None:
    async def automation_error(_request: Request, exc: Exception) -> JSONResponse:
        code = next((c for kind, c in _STATUS if isinstance(exc, kind)), status.HTTP_502_BAD_GATEWAY)
        message = str(redact(str(exc))) or type(exc).__name__
        if code == UNPROCESSABLE:
            detail: Any = [{"loc": ["body"], "msg": message, "type": "invalid_request"}]
        else:
            detail = message
        return JSONResponse({"detail": detail}, status_code=code)

    app.add_exception_handler(AutomationError, automation_error)
