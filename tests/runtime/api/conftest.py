"""Fixtures for the API tests: a runtime with a gated agent and test workflows, served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from automate.integrations.config import AppConfig, load_config
from automate.runtime.api import create_app
from automate.runtime.runtime import Runtime, builtin_agents
from automate.runtime.workflows import Catalog, targets_for
from tests.runtime.api.harness import (
    GATED,
    GATES,
    GREET,
    HOOK_SECRET,
    ON_HOOK,
    TOKEN,
    GateAgent,
    LiveServer,
    live_server,
)

SETTINGS = """\
timezone: Europe/Lisbon
server:
  token: ${AUTOMATE_API_TOKEN}
  max_body_bytes: 4096
  webhooks:
    inbox:
      workflow: on_hook
      secret: ${HOOK_SECRET}
"""


@pytest.fixture
def api_config_dir(tmp_path: Path) -> Path:
    """A config directory with the server block and the test workflows."""
    directory = tmp_path / "api-config"
    (directory / "workflows").mkdir(parents=True)
    (directory / "settings.yaml").write_text(SETTINGS)
    for name, text in (("gated", GATED), ("on_hook", ON_HOOK), ("greet", GREET)):
        (directory / "workflows" / f"{name}.yaml").write_text(text)
    return directory


@pytest.fixture
def api_config(api_config_dir: Path, home: Path) -> AppConfig:
    """The configuration the API tests run on (token and hook secret from the environment)."""
    return load_config(
        api_config_dir, env={"AUTOMATE_API_TOKEN": TOKEN, "HOOK_SECRET": HOOK_SECRET}, home=home
    )


@pytest.fixture
async def api_runtime(api_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    """The built-in agents plus the gated one, on a temporary data directory."""
    GATES.events.clear()
    async with Runtime(api_config, agents=[*builtin_agents(), GateAgent], now=fixed_now) as runtime:
        yield runtime
    GATES.events.clear()


@pytest.fixture
def catalog(api_runtime: Runtime, api_config_dir: Path) -> Catalog:
    """The test workflows (only those: the shipped ones are not needed here)."""
    agents = [type(agent) for agent in api_runtime.agents.values()]
    return Catalog.scan([api_config_dir / "workflows"], targets_for(api_runtime.config, agents))


@pytest.fixture
def app(api_runtime: Runtime, catalog: Catalog) -> FastAPI:
    """The API app on the test runtime, without its scheduler (one test turns that on)."""
    return create_app(api_runtime, catalog=catalog, scheduler=False, heartbeat=0.5, shutdown_grace=0.5)


@pytest.fixture
async def server(app: FastAPI) -> AsyncIterator[LiveServer]:
    """The app served by uvicorn on a loopback port."""
    async with live_server(app) as served:
        yield served
