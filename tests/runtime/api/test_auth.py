"""Bearer-token auth on a real server: every /api route needs the token; health and hooks do not."""

from __future__ import annotations

from fastapi import FastAPI

from automate.runtime.runtime import Runtime
from tests.runtime.api.harness import TOKEN, LiveServer


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every /api operation in the OpenAPI spec, with path parameters filled in."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        if template.startswith("/api"):
            path = template.replace("{run_id}", "0123456789abcdef").replace("{name}", "gated")
            found.extend((method.upper(), path) for method in operations)
    return found


class TestBearerAuth:
    async def test_every_api_route_refuses_a_missing_token(self, server: LiveServer) -> None:
        """Each /api route answers 401 with a Bearer challenge when no token is sent."""
        routes = api_routes(server.app)
        assert len(routes) >= 7
        async with server.client(token=None) as client:
            for method, path in routes:
                response = await client.request(method, path, json={"text": "x"})
                assert response.status_code == 401, (method, path)
                assert response.headers["www-authenticate"] == "Bearer"

    async def test_every_api_route_refuses_a_wrong_token(self, server: LiveServer) -> None:
        """A token that differs (even only in its last character) gets 401 on every /api route."""
        async with server.client(token=TOKEN[:-1] + "X") as client:
            for method, path in api_routes(server.app):
                response = await client.request(method, path, json={"text": "x"})
                assert response.status_code == 401, (method, path)

    async def test_other_schemes_and_prefixes_are_refused(self, server: LiveServer) -> None:
        """Basic auth, a bare token, or the token with extra characters are all 401."""
        async with server.client(token=None) as client:
            for header in (f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x", "Bearer", f"Bearer {TOKEN[:5]}"):
                response = await client.get("/api/agents", headers={"Authorization": header})
                assert response.status_code == 401, header

    async def test_the_right_token_is_accepted(self, server: LiveServer) -> None:
        """With the configured token, /api/agents answers 200."""
        async with server.client() as client:
            response = await client.get("/api/agents")
        assert response.status_code == 200

    async def test_health_and_page_need_no_token(self, server: LiveServer) -> None:
        """/health and the page answer without a token (the page asks for it)."""
        async with server.client(token=None) as client:
            health = await client.get("/health")
            page = await client.get("/")
            script = await client.get("/static/app.js")
        assert health.json() == {"status": "ok", "runs_in_flight": 0, "scheduler": False}
        assert page.status_code == 200 and "<title>automate</title>" in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
        assert script.status_code == 200 and "Authorization" in script.text

    async def test_the_token_never_appears_in_a_response(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """A task whose text contains the token is stored, but every answer masks the token."""
        async with server.client() as client:
            response = await client.post(
                "/api/tasks", json={"text": f"add {TOKEN} to my shopping list", "wait": True}
            )
            listed = await client.get("/api/runs")
        assert response.status_code == 200
        assert TOKEN not in response.text and "***" in response.text
        assert TOKEN not in listed.text
