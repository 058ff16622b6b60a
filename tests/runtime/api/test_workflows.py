"""GET /api/workflows, POST /api/workflows/{name}/runs and GET /api/agents."""

from __future__ import annotations

from automate.runtime.runtime import Runtime
from tests.runtime.api.harness import LiveServer


class TestWorkflows:
    async def test_workflows_are_listed_with_inputs_and_triggers(self, server: LiveServer) -> None:
        """Every loaded workflow is listed by name with its declared inputs and trigger kind."""
        async with server.client() as client:
            body = (await client.get("/api/workflows")).json()
        by_name = {w["name"]: w for w in body["workflows"]}
        assert sorted(by_name) == ["gated", "greet", "on_hook"]
        assert by_name["greet"]["inputs"]["who"]["type"] == "email"
        assert by_name["on_hook"]["trigger"] == "webhook"
        assert by_name["gated"]["steps"] == ["one", "two", "three"]
        assert body["errors"] == []

    async def test_a_workflow_run_starts_with_its_inputs(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """Starting `greet` answers 202 and its run ends done with the given input in its step."""
        async with server.client() as client:
            response = await client.post(
                "/api/workflows/greet/runs", json={"inputs": {"who": "bo@example.com"}}
            )
            assert response.status_code == 202
            run_id = response.json()["run_id"]
            async with client.stream("GET", f"/api/runs/{run_id}/events") as stream:
                async for _ in stream.aiter_lines():
                    pass
        record = api_runtime.store.get_run(run_id)
        assert record is not None and record.status.value == "done"
        assert record.step("note").params == {"list": "greetings", "item": "hello bo@example.com"}

    async def test_a_bad_or_missing_input_is_422_naming_it(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """A missing required input, a wrongly typed one and an unknown one are 422s; no run starts."""
        async with server.client() as client:
            missing = await client.post("/api/workflows/greet/runs", json={})
            typed = await client.post(
                "/api/workflows/greet/runs", json={"inputs": {"who": "a@b.c", "times": "many"}}
            )
            unknown = await client.post(
                "/api/workflows/greet/runs", json={"inputs": {"who": "a@b.c", "x": 1}}
            )
        for response, word in (
            (missing, "'who' is required"),
            (typed, "'times'"),
            (unknown, "unknown input"),
        ):
            assert response.status_code == 422
            detail = response.json()["detail"][0]
            assert detail["loc"] == ["body", "inputs"] and word in detail["msg"]
        assert api_runtime.store.list_runs() == []

    async def test_an_unknown_workflow_is_404(self, server: LiveServer) -> None:
        """A workflow name nobody defined answers 404."""
        async with server.client() as client:
            response = await client.post("/api/workflows/nothing_here/runs", json={})
        assert response.status_code == 404


class TestAgents:
    async def test_agents_list_their_actions_with_json_schemas(self, server: LiveServer) -> None:
        """Each agent comes with its actions, their side-effect flag and params/output JSON schemas."""
        async with server.client() as client:
            body = (await client.get("/api/agents")).json()
        agents = {a["name"]: a for a in body["agents"]}
        assert {"scheduler", "email", "reminders", "lists", "gate"} <= set(agents)
        create = next(a for a in agents["scheduler"]["actions"] if a["name"] == "create_event")
        assert create["side_effect"] is True
        assert (
            create["params_schema"]["type"] == "object" and "start" in create["params_schema"]["properties"]
        )
        assert create["output_schema"]["type"] == "object"
        assert body["unavailable"] == {}
