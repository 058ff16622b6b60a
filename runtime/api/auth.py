"""Bearer-token auth for /api: one token from the server settings, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

__all__ = ["BearerAuth"]

_scheme = HTTPBearer(auto_error=False, description="the server's token (settings.yaml `server.token`)")


class BearerAuth:
    """A FastAPI dependency: 401 unless `Authorization: Bearer <token>` carries the token."""

    def __init__(self, token: str) -> None:
        self._digest = _digest(token.encode())

    async def __call__(
        self, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_scheme)]
    ) -> None:
        """Check the request's bearer token (async: a sync dependency would cost a thread hop)."""
        given = credentials.credentials.encode() if credentials is not None else b""
        # Digests first, so the comparison is of equal lengths and says nothing of the token's length;
        # compare_digest then takes as long whatever the prefix matched. A missing token is compared too.
        if not hmac.compare_digest(_digest(given), self._digest) or credentials is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing or wrong bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )


def _digest(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()
