"""The base of the project's data models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    """A pydantic model whose validator is built on first use, not at import.

    A one-shot `automate` command imports far more models than it uses;
    building each on demand keeps start-up fast.
    """

    model_config = ConfigDict(defer_build=True)
