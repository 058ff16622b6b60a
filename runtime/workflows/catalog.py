"""Finding workflow files: the shipped examples, then your config directory's `workflows/`.

A file in your directory replaces a shipped one of the same workflow name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from automate.integrations.config import config_dirs
from automate.runtime.workflows.loader import Workflow, WorkflowError, load_workflow
from automate.runtime.workflows.targets import Targets

__all__ = ["SUFFIXES", "Catalog", "workflow_dirs"]

SUFFIXES = (".yaml", ".yml", ".json")


def workflow_dirs(user_dir: Path | None = None) -> list[Path]:
    """Where workflows are looked for, lowest precedence first."""
    return [directory / "workflows" for directory in config_dirs(user_dir)]


@dataclass
class Catalog:
    """Every workflow found, by name, and every file that failed to load."""

    workflows: dict[str, Workflow] = field(default_factory=dict)
    errors: list[WorkflowError] = field(default_factory=list)

    @classmethod
    def scan(cls, directories: list[Path], targets: Targets) -> Catalog:
        """Load every workflow file in `directories` (later ones win by name)."""
        catalog = cls()
        for directory in directories:
            if not directory.is_dir():
                continue
            for path in sorted(p for p in directory.iterdir() if p.suffix.lower() in SUFFIXES):
                try:
                    workflow = load_workflow(path, targets)
                except WorkflowError as exc:
                    catalog.errors.append(exc)
                    continue
                catalog.workflows[workflow.name] = workflow
        return catalog

    def find(self, name_or_path: str, targets: Targets) -> Workflow:
        """A workflow by name, or loaded from a file path."""
        if name_or_path in self.workflows:
            return self.workflows[name_or_path]
        path = Path(name_or_path)
        if path.suffix.lower() in SUFFIXES or path.exists():
            return load_workflow(path, targets)
        known = ", ".join(sorted(self.workflows)) or "none"
        raise WorkflowError(name_or_path, f"no such workflow file or name (known: {known})")
