"""POST /hooks/{name}: signed deliveries start the hook's workflow once; anything else starts nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from automate.integrations.config import WebhookSettings, load_config
from automate.integrations.errors import ConfigError
from automate.runtime.api import create_app
from automate.runtime.api.hooks import delivery_run_id, hooks_from_settings, sign, signature_valid
from automate.runtime.runtime import Runtime
from automate.runtime.workflows import Catalog
from tests.runtime.api.harness import HOOK_SECRET, TOKEN, LiveServer, read_frames, wait_for

SECRET = HOOK_SECRET.encode()


def signed(body: bytes, delivery: str | None = None, secret: bytes = SECRET) -> dict[str, str]:
    """Headers of a delivery of `body` signed with `secret`."""
    headers = {"Content-Type": "application/json", "X-Automate-Signature": sign(secret, body)}
    if delivery is not None:
        headers["X-Automate-Delivery"] = delivery
    return headers


class TestSignature:
    def test_the_signature_is_hmac_sha256_of_the_body_in_hex(self) -> None:
        """sign() gives sha256= and the HMAC-SHA256 hex digest (a known vector)."""
        assert sign(b"key", b"The quick brown fox jumps over the lazy dog") == (
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        )

    def test_only_the_exact_signature_is_valid(self) -> None:
        """A missing, truncated, re-cased or other-secret signature is not valid."""
        body = b'{"a": 1}'
        good = sign(SECRET, body)
        assert signature_valid(SECRET, body, good)
        for bad in (None, "", good[:-1], good.upper(), sign(b"other-secret-0123456789", body), good[7:]):
            assert not signature_valid(SECRET, body, bad)
        assert not signature_valid(SECRET, body + b" ", good)


class TestHooks:
    async def test_a_signed_delivery_starts_the_workflow_with_the_body_as_trigger_data(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """The run's trigger carries the JSON body; its step used {trigger.data.item}."""
        body = json.dumps({"item": "deploy 42 finished"}).encode()
        async with server.client(token=None) as client:
            response = await client.post("/hooks/inbox", content=body, headers=signed(body, "d-1"))
            assert response.status_code == 202
            accepted = response.json()
            async with client.stream(
                "GET", accepted["links"]["events"], headers={"Authorization": f"Bearer {TOKEN}"}
            ) as stream:
                await read_frames(stream)
        assert accepted["workflow"] == "on_hook" and accepted["duplicate"] is False
        record = api_runtime.store.get_run(accepted["run_id"])
        assert record is not None and record.status.value == "done"
        assert record.spec["scope"]["trigger"]["data"] == {"item": "deploy 42 finished"}
        assert record.step("note").params == {"list": "hooks", "item": "deploy 42 finished"}

    async def test_unsigned_or_wrongly_signed_deliveries_are_401_and_start_nothing(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """No signature, another secret's signature, or a signature of another body: 401, no run."""
        body = b'{"item": "x"}'
        attempts = [
            {"Content-Type": "application/json"},
            signed(body, secret=b"not-the-secret-0123456789"),
            signed(b'{"item": "y"}'),
            {"X-Automate-Signature": "sha256=" + "0" * 64},
        ]
        async with server.client(token=None) as client:
            for headers in attempts:
                response = await client.post("/hooks/inbox", content=body, headers=headers)
                assert response.status_code == 401, headers
        assert api_runtime.store.list_runs() == []
        assert server.app.state.automate.launcher.in_flight == 0

    async def test_a_retried_delivery_finds_its_run_instead_of_starting_another(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """The same delivery id twice (and concurrently) makes one run; a new id makes another."""
        import asyncio

        body = b'{"item": "once"}'
        async with server.client(token=None) as client:
            first, second = await asyncio.gather(
                client.post("/hooks/inbox", content=body, headers=signed(body, "delivery-7")),
                client.post("/hooks/inbox", content=body, headers=signed(body, "delivery-7")),
            )
            third = await client.post("/hooks/inbox", content=body, headers=signed(body, "delivery-7"))
            other = await client.post("/hooks/inbox", content=body, headers=signed(body, "delivery-8"))
        answers = sorted([first, second], key=lambda r: r.status_code)
        assert [r.status_code for r in answers] == [200, 202]
        assert answers[0].json()["duplicate"] is True
        assert third.json()["duplicate"] is True and third.json()["status"] in ("running", "done")
        run_ids = {r.json()["run_id"] for r in (first, second, third)}
        assert run_ids == {delivery_run_id("inbox", "delivery-7")}
        assert other.status_code == 202 and other.json()["run_id"] not in run_ids

        await wait_for(lambda: server.app.state.automate.launcher.in_flight == 0)
        async with server.client(token=None) as client:
            later = await client.post("/hooks/inbox", content=body, headers=signed(body, "delivery-7"))
        assert (later.status_code, later.json()["status"], later.json()["duplicate"]) == (200, "done", True)
        assert len(api_runtime.store.list_runs()) == 2

    async def test_bad_bodies_and_delivery_ids_are_refused(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """A signed non-object body is 422, a delivery id with spaces is 422, an oversized body 413."""
        async with server.client(token=None) as client:
            listed = b"[1, 2]"
            not_object = await client.post("/hooks/inbox", content=listed, headers=signed(listed))
            body = b'{"item": "x"}'
            spaced = await client.post("/hooks/inbox", content=body, headers=signed(body, "a b"))
            huge = json.dumps({"item": "x" * 5000}).encode()
            too_big = await client.post("/hooks/inbox", content=huge, headers=signed(huge))
            unknown = await client.post("/hooks/nobody", content=body, headers=signed(body))
        assert not_object.status_code == 422 and "JSON object" in not_object.json()["detail"][0]["msg"]
        assert spaced.status_code == 422 and spaced.json()["detail"][0]["loc"] == [
            "header",
            "X-Automate-Delivery",
        ]
        assert too_big.status_code == 413
        assert unknown.status_code == 404
        assert api_runtime.store.list_runs() == []

    async def test_github_style_headers_are_accepted(self, server: LiveServer) -> None:
        """X-Hub-Signature-256 and X-GitHub-Delivery work as the signature and delivery id."""
        body = b'{"item": "from github"}'
        headers = {"X-Hub-Signature-256": sign(SECRET, body), "X-GitHub-Delivery": "gh-1"}
        async with server.client(token=None) as client:
            response = await client.post("/hooks/inbox", content=body, headers=headers)
        assert response.status_code == 202
        assert response.json()["run_id"] == delivery_run_id("inbox", "gh-1")


class TestHookConfig:
    def test_a_hook_must_name_a_webhook_workflow_and_have_a_secret(self, catalog: Catalog) -> None:
        """Unknown workflow, a non-webhook workflow, no secret, or a short secret are config errors."""
        cases = [
            (WebhookSettings(workflow="nope", secret=HOOK_SECRET), "no workflow 'nope'"),
            (WebhookSettings(workflow="greet", secret=HOOK_SECRET), "needs `trigger: webhook`"),
            (WebhookSettings(workflow="on_hook"), "secret variable is not set"),
            (WebhookSettings(workflow="on_hook", secret="short"), "at least 16"),
        ]
        for settings, problem in cases:
            with pytest.raises(ConfigError, match=problem):
                hooks_from_settings({"h": settings}, catalog.workflows)

    def test_the_server_refuses_to_start_without_a_token_or_with_a_short_one(
        self, api_config_dir: Path, home: Path
    ) -> None:
        """With AUTOMATE_API_TOKEN unset or under 16 characters, create_app raises a ConfigError."""
        config = load_config(api_config_dir, env={"HOOK_SECRET": HOOK_SECRET}, home=home)
        with pytest.raises(ConfigError, match="AUTOMATE_API_TOKEN"):
            create_app(Runtime(config), scheduler=False)
        with pytest.raises(ConfigError, match="at least 16 characters"):
            create_app(Runtime(config), token="short-token", scheduler=False)
