"""Google OAuth for installed apps: the consent flow, stored tokens, refresh, and their state.

`automate auth google` runs `run_installed_app_flow` once; the token lands in
the encrypted `CredentialStore` under ``google``. Adapters turn it into
google-auth credentials with `to_credentials`, which refresh themselves
shortly before the access token expires; `remember_refresh` writes a refreshed
token (or a failed refresh, with the command that fixes it) back to the store
so that `automate integrations check` can report it. The Google libraries are
imported inside the functions that need them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr

from automate.integrations.credentials import CredentialStore, OAuthToken
from automate.integrations.errors import AuthError
from automate.integrations.model import Model

__all__ = [
    "CALENDAR_SCOPES",
    "FIX_COMMAND",
    "GOOGLE_SERVICE",
    "CredentialState",
    "from_credentials",
    "remember_refresh",
    "run_installed_app_flow",
    "to_credentials",
    "token_state",
]

GOOGLE_SERVICE = "google"
CALENDAR_SCOPES = ("https://www.googleapis.com/auth/calendar",)
FIX_COMMAND = "automate auth google"
_EXPIRING = timedelta(minutes=10)
_PROMPT = "Open this URL in a browser to let automate use your calendar:\n{url}"

CredentialStatus = Literal["valid", "expiring", "expired", "refresh_failed", "missing"]


class CredentialState(Model):
    """How usable a stored credential is, and the command that fixes it when it is not."""

    service: str
    status: CredentialStatus
    detail: str
    fix: str | None = None

    @property
    def usable(self) -> bool:
        """Whether calls can be made with it now."""
        return self.status in ("valid", "expiring")

    def describe(self) -> str:
        """One line for a person: the state, and what to run if it needs fixing."""
        return f"{self.detail}; run `{self.fix}`" if self.fix else self.detail


def token_state(
    token: OAuthToken | None, *, service: str = GOOGLE_SERVICE, now: datetime | None = None
) -> CredentialState:
    """The state of a stored OAuth token at `now`."""
    now = now or datetime.now(UTC)
    if token is None:
        return CredentialState(service=service, status="missing", detail="not signed in", fix=FIX_COMMAND)
    if token.refresh_error:
        return CredentialState(
            service=service,
            status="refresh_failed",
            detail=f"refreshing the token failed ({token.refresh_error})",
            fix=FIX_COMMAND,
        )
    refreshable = token.refresh_token is not None
    if token.expiry is None or token.token is None:
        if refreshable:
            return CredentialState(service=service, status="valid", detail="signed in (refreshes as needed)")
        return CredentialState(service=service, status="expired", detail="no access token", fix=FIX_COMMAND)
    left = _aware(token.expiry) - now
    if refreshable:
        return CredentialState(service=service, status="valid", detail="signed in (refreshes before expiry)")
    if left <= timedelta(0):
        return CredentialState(
            service=service, status="expired", detail="the access token expired", fix=FIX_COMMAND
        )
    if left <= _EXPIRING:
        minutes = max(1, int(left.total_seconds() // 60))
        return CredentialState(
            service=service,
            status="expiring",
            detail=f"the access token expires in {minutes} min and cannot be refreshed",
            fix=FIX_COMMAND,
        )
    return CredentialState(
        service=service,
        status="valid",
        detail=f"valid until {_aware(token.expiry):%Y-%m-%d %H:%M} UTC",
    )


def to_credentials(token: OAuthToken) -> Any:
    """google-auth `Credentials` for a stored token (they refresh themselves before expiry)."""
    from google.oauth2.credentials import Credentials

    return Credentials(  # type: ignore[no-untyped-call]
        token=token.token.get_secret_value() if token.token else None,
        refresh_token=token.refresh_token.get_secret_value() if token.refresh_token else None,
        token_uri=token.token_uri,
        client_id=token.client_id,
        client_secret=token.client_secret.get_secret_value() if token.client_secret else None,
        scopes=list(token.scopes) or None,
        # google-auth compares expiry with a naive UTC clock.
        expiry=_aware(token.expiry).astimezone(UTC).replace(tzinfo=None) if token.expiry else None,
    )


def from_credentials(credentials: Any, *, client_id: str | None = None) -> OAuthToken:
    """A storable token from google-auth `Credentials`."""
    expiry = credentials.expiry
    secret = credentials.client_secret
    return OAuthToken(
        token=SecretStr(credentials.token) if credentials.token else None,
        refresh_token=SecretStr(credentials.refresh_token) if credentials.refresh_token else None,
        token_uri=credentials.token_uri or OAuthToken.model_fields["token_uri"].default,
        client_id=credentials.client_id or client_id or "",
        client_secret=SecretStr(secret) if secret else None,
        scopes=list(credentials.scopes or ()),
        expiry=expiry.replace(tzinfo=UTC) if expiry is not None and expiry.tzinfo is None else expiry,
    )


def remember_refresh(
    store: CredentialStore, service: str, credentials: Any, *, error: str | None = None
) -> OAuthToken | None:
    """Write a refreshed access token, or a failed refresh, back to the store."""
    stored = store.token(service)
    if stored is None:
        return None
    if error is not None:
        updated = stored.model_copy(update={"refresh_error": error})
    else:
        fresh = from_credentials(credentials, client_id=stored.client_id)
        updated = fresh.model_copy(update={"refresh_error": None, "scopes": fresh.scopes or stored.scopes})
    store.set_token(service, updated)
    return updated


def run_installed_app_flow(
    client_secrets: Path,
    *,
    scopes: tuple[str, ...] = CALENDAR_SCOPES,
    open_browser: bool = True,
    host: str = "localhost",
    port: int = 0,
    timeout: float | None = 300,
) -> OAuthToken:
    """Ask the person for consent in a browser (or print the URL) and return the token.

    The redirect comes back to a one-shot server on the loopback interface;
    the URL is always printed, and a browser is opened only when one exists.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=list(scopes))
        credentials = flow.run_local_server(
            host=host,
            port=port,
            open_browser=open_browser and _browser_available(),
            authorization_prompt_message=_PROMPT,
            success_message="automate is signed in. You can close this window.",
            timeout_seconds=timeout,
        )
    except (OAuth2Error, OSError, ValueError, KeyError, AttributeError) as exc:
        # A bad client file, a busy port, consent refused, the token endpoint unreachable, or
        # no answer in time (the library's timeout error is an AttributeError).
        message = f"Google sign-in failed: {type(exc).__name__}: {exc}"
        raise AuthError(message, service=GOOGLE_SERVICE) from exc
    return from_credentials(credentials, client_id=flow.client_config.get("client_id"))


def _browser_available() -> bool:
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
