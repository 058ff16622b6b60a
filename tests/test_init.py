"""The embedding API: `from automate import …` gives what a host needs, and loads it only when asked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

import automate
from automate.agents.base import Agent

HEAVY = (
    "pydantic",
    "structlog",
    "yaml",
    "googleapiclient",
    "anthropic",
    "langchain_core",
    "mcp",
    "temporalio",
)

PROBE = """
import json, sys
import automate
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'automate', *sys.argv[1:]})))
"""


class TestPublicNames:
    @pytest.mark.parametrize("name", automate.__all__)
    def test_every_exported_name_resolves(self, name: str) -> None:
        """Each name in `automate.__all__` loads from its home module under that name."""
        value = getattr(automate, name)
        assert getattr(value, "__name__", name) == name

    def test_every_builtin_action_takes_an_exported_params_model(self) -> None:
        """A host can build the params of every built-in action from `automate` alone."""
        exported = {getattr(automate, name) for name in automate.__all__}
        agents: list[type[Agent]] = automate.builtin_agents()
        params: set[type[BaseModel]] = {spec.params_model for cls in agents for spec in cls.actions.values()}
        assert sorted(m.__name__ for m in params - exported) == []

    def test_unknown_name_is_an_attribute_error(self) -> None:
        """A name the package does not offer fails as a missing attribute, naming it."""
        with pytest.raises(AttributeError, match="'NoSuchThing'"):
            automate.NoSuchThing  # noqa: B018 - the lookup is the test

    def test_dir_lists_every_public_name(self) -> None:
        """`dir(automate)` shows the public names before any of them is loaded."""
        assert set(automate.__all__) <= set(dir(automate))


class TestImportCost:
    def test_import_loads_nothing_else(self, tmp_path: Path) -> None:
        """`import automate` imports none of its subpackages, pydantic, structlog or a heavy client."""
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *HEAVY],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            check=True,
        )
        assert json.loads(done.stdout) == ["automate"]
