"""Google token states and conversions: what `integrations check` and `auth status` report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from automate.integrations.credentials import OAuthToken
from automate.integrations.google_auth import from_credentials, to_credentials, token_state

NOW = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)


def token(**fields: object) -> OAuthToken:
    """A token with an access token and the given overrides."""
    values: dict[str, object] = {"token": SecretStr("ya29.state-test"), "client_id": "c", **fields}
    return OAuthToken.model_validate(values)


class TestTokenState:
    """Each state says whether calls can work and, if not, which command fixes it."""

    def test_missing_token_asks_to_sign_in(self) -> None:
        """No token: missing, not usable, fix is `automate auth google`."""
        state = token_state(None, now=NOW)
        assert (state.status, state.usable, state.fix) == ("missing", False, "automate auth google")
        assert state.describe() == "not signed in; run `automate auth google`"

    def test_refreshable_token_is_valid_whatever_its_expiry(self) -> None:
        """With a refresh token, an expired access token is still valid: it refreshes itself."""
        state = token_state(token(refresh_token=SecretStr("1//r"), expiry=NOW - timedelta(hours=1)), now=NOW)
        assert (state.status, state.usable, state.fix) == ("valid", True, None)

    def test_failed_refresh_is_reported_with_its_reason(self) -> None:
        """A recorded refresh failure makes the token unusable and names the reason and the fix."""
        state = token_state(token(refresh_token=SecretStr("1//r"), refresh_error="invalid_grant"), now=NOW)
        assert (state.status, state.usable) == ("refresh_failed", False)
        assert "invalid_grant" in state.describe() and "automate auth google" in state.describe()

    def test_unrefreshable_token_goes_from_valid_to_expiring_to_expired(self) -> None:
        """Without a refresh token: valid until 10 minutes before expiry, then expiring, then expired."""
        later = token_state(token(expiry=NOW + timedelta(hours=2)), now=NOW)
        soon = token_state(token(expiry=NOW + timedelta(minutes=5)), now=NOW)
        gone = token_state(token(expiry=NOW - timedelta(seconds=1)), now=NOW)
        assert (later.status, later.fix) == ("valid", None) and "2031-03-10 14:00" in later.detail
        assert (soon.status, soon.usable, soon.fix) == ("expiring", True, "automate auth google")
        assert "5 min" in soon.detail
        assert (gone.status, gone.usable) == ("expired", False)


class TestConversions:
    """Stored tokens become google-auth credentials and back without losing anything."""

    def test_round_trip_through_google_credentials(self) -> None:
        """Every field survives; expiry is naive UTC for google-auth and aware UTC in the store."""
        stored = token(
            refresh_token=SecretStr("1//r"),
            client_secret=SecretStr("GOCSPX-x"),
            token_uri="http://127.0.0.1:9/token",
            scopes=["https://www.googleapis.com/auth/calendar"],
            expiry=datetime(2031, 3, 10, 13, 0, tzinfo=UTC),
        )
        credentials = to_credentials(stored)
        back = from_credentials(credentials)
        assert credentials.expiry == datetime(2031, 3, 10, 13, 0)
        assert back.model_dump() == stored.model_dump()
