"""Bodies no parser should recurse into or read as text: refused with 422 before any route runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from automate.runtime.api.hooks import sign
from automate.runtime.api.limits import MAX_JSON_DEPTH, json_problem
from automate.runtime.runtime import Runtime
from tests.runtime.api.harness import HOOK_SECRET, LiveServer

NESTED = ('{"a":' * 5000 + "1" + "}" * 5000).encode()


@pytest.fixture
def api_config_dir(api_config_dir: Path) -> Path:
    """The API test config with room for a 25 kB body, so nesting (not size) is what is refused."""
    settings = api_config_dir / "settings.yaml"
    settings.write_text(settings.read_text().replace("max_body_bytes: 4096", "max_body_bytes: 65536"))
    return api_config_dir


class TestJsonProblem:
    def test_ordinary_json_has_no_problem(self) -> None:
        """Nesting up to the limit, emoji pairs, escaped backslashes and brackets in strings pass."""
        for body in (
            b"",
            ("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode(),
            json.dumps({"text": "\U0001f600 caf\u00e9"}).encode(),
            b'{"text": "\\\\ud800 is how you write it"}',
            b'{"text": "[[[[{{{{' + b"[" * 100 + b'"}',
        ):
            assert json_problem(body) is None, body

    def test_nesting_past_the_limit_is_named(self) -> None:
        """One level more than the limit, in arrays or objects, is a problem saying so."""
        deep = ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode()
        for body in (deep, NESTED):
            assert (
                json_problem(body)
                == f"the body nests objects or arrays more than {MAX_JSON_DEPTH} levels deep"
            )

    def test_a_lone_surrogate_or_bytes_that_are_not_utf8_are_named(self) -> None:
        """An unpaired high or low surrogate escape, or raw surrogate bytes, are not text."""
        for body in (
            json.dumps({"text": "\ud800"}).encode(),
            json.dumps({"text": "x\udc00"}).encode(),
            b'{"text": "\\ud83d\\n"}',
        ):
            assert "lone surrogate" in (json_problem(body) or ""), body
        assert json_problem(b'{"text": "\xed\xa0\x80"}') == "the body is not valid UTF-8"


class TestBodyLimit:
    async def test_a_signed_webhook_nested_5000_deep_is_422_and_starts_nothing(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """A correctly signed delivery of 5,000 nested objects is a 422 with one line, not a 500."""
        headers = {
            "Content-Type": "application/json",
            "X-Automate-Signature": sign(HOOK_SECRET.encode(), NESTED),
        }
        async with server.client(token=None) as client:
            response = await client.post("/hooks/inbox", content=NESTED, headers=headers)
        assert response.status_code == 422
        [detail] = response.json()["detail"]
        assert detail["loc"] == ["body"] and "levels deep" in detail["msg"] and "\n" not in detail["msg"]
        assert api_runtime.store.list_runs() == []

    async def test_a_task_with_a_lone_surrogate_is_422_with_one_line(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """`POST /api/tasks` whose text holds a lone surrogate (alone or beside a bad key) is a 422."""
        async with server.client() as client:
            alone = await client.post(
                "/api/tasks",
                content=b'{"text": "add \\ud800 to my list"}',
                headers={"Content-Type": "application/json"},
            )
            with_extra = await client.post(
                "/api/tasks",
                content=b'{"text": "\\udfff", "colour": 1}',
                headers={"Content-Type": "application/json"},
            )
        for response in (alone, with_extra):
            assert response.status_code == 422, response.text
            [detail] = response.json()["detail"]
            assert "lone surrogate" in detail["msg"]
        assert api_runtime.store.list_runs() == []
