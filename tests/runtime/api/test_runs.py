"""GET /api/runs, /api/runs/{id} and the run's live event stream, over a real server."""

from __future__ import annotations

import asyncio
import time

import httpx
from fastapi import FastAPI

from automate.runtime.runtime import Runtime
from tests.runtime.api.harness import GATES, FrameReader, LiveServer, live_server, read_frames, wait_for


async def start_gated(client: httpx.AsyncClient) -> str:
    """Start the three-step gated workflow; its run id."""
    response = await client.post("/api/workflows/gated/runs", json={})
    assert response.status_code == 202
    run_id: str = response.json()["run_id"]
    return run_id


class TestRunList:
    async def test_runs_are_listed_newest_first_in_pages(self, server: LiveServer) -> None:
        """Five runs come back in pages of two, newest first, with `next_offset` until the end."""
        async with server.client() as client:
            ids = []
            for item in ("a1", "b2", "c3", "d4", "e5"):
                body = (
                    await client.post(
                        "/api/tasks", json={"text": f"add {item} to my shopping list", "wait": True}
                    )
                ).json()
                ids.append(body["run_id"])
            seen, offset, pages = [], 0, 0
            while offset is not None:
                page = (await client.get("/api/runs", params={"limit": 2, "offset": offset})).json()
                seen += [r["run_id"] for r in page["runs"]]
                offset, pages = page["next_offset"], pages + 1
        assert seen == ids[::-1]
        assert pages == 3

    async def test_runs_filter_by_status(self, server: LiveServer, api_runtime: Runtime) -> None:
        """`status=running` lists only the run still going; `status=done` only the finished one."""
        async with server.client() as client:
            await client.post("/api/tasks", json={"text": "add tea to my shopping list", "wait": True})
            gated = await start_gated(client)
            await wait_for(lambda: api_runtime.store.get_run(gated) is not None)
            running = (await client.get("/api/runs", params={"status": "running"})).json()["runs"]
            done = (await client.get("/api/runs", params={"status": "done"})).json()["runs"]
            bad = await client.get("/api/runs", params={"status": "sideways", "limit": 0})
            GATES.open("one", "two", "three")
        assert [r["run_id"] for r in running] == [gated]
        assert [r["name"] for r in done] == ["add tea to my shopping list"]
        assert bad.status_code == 422
        assert {tuple(d["loc"]) for d in bad.json()["detail"]} == {("query", "status"), ("query", "limit")}


class TestRunDetail:
    async def test_a_run_shows_its_steps_inputs_and_trigger(self, server: LiveServer) -> None:
        """A workflow run's page has every step with its outcome, and the inputs it began with."""
        async with server.client() as client:
            response = await client.post(
                "/api/workflows/greet/runs", json={"inputs": {"who": "ana@example.com"}, "wait": True}
            )
            run = (await client.get(f"/api/runs/{response.json()['run_id']}")).json()
        assert run["status"] == "done" and run["kind"] == "workflow" and run["name"] == "greet"
        assert run["inputs"] == {"who": "ana@example.com", "times": 1}
        assert run["trigger"]["kind"] == "manual"
        step = run["steps"][0]
        assert (step["step_id"], step["status"], step["attempts"]) == ("note", "done", 1)
        assert step["params"] == {"list": "greetings", "item": "hello ana@example.com"}

    async def test_an_unknown_run_is_404_and_a_malformed_id_422(self, server: LiveServer) -> None:
        """A well-formed id no run has is 404; an id that is not hex is 422 naming the path field."""
        async with server.client() as client:
            missing = await client.get("/api/runs/0123456789abcdef")
            events = await client.get("/api/runs/0123456789abcdef/events")
            malformed = await client.get("/api/runs/not-a-run!")
        assert missing.status_code == 404 and events.status_code == 404
        assert malformed.status_code == 422
        assert malformed.json()["detail"][0]["loc"] == ["path", "run_id"]


class TestRunEvents:
    async def test_the_stream_sends_each_event_live_and_ends_with_the_run(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """Events arrive as steps run, ids are the log's sequence numbers, the stream closes at the end."""
        async with server.client() as client:
            run_id = await start_gated(client)
            async with client.stream("GET", f"/api/runs/{run_id}/events") as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                reader = FrameReader(stream)
                first = await reader.read(until="step_started")
                GATES.open("one", "two", "three")
                rest = await reader.read()
        frames = first + rest
        logged = api_runtime.store.events(run_id)
        assert [f.id for f in frames] == [e.seq for e in logged]
        assert [f.event for f in frames] == [e.type.value for e in logged]
        assert frames[0].event == "run_started" and frames[-1].event == "run_completed"
        assert [f.data["step_id"] for f in frames if f.event == "step_completed"] == ["one", "two", "three"]

    async def test_a_reconnecting_client_resumes_without_gaps_or_duplicates(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """Drop the stream after step one; step two runs; Last-Event-ID then brings the rest, once."""
        async with server.client() as client:
            run_id = await start_gated(client)
            GATES.open("one")
            async with client.stream("GET", f"/api/runs/{run_id}/events") as stream:
                before = await read_frames(stream, until="step_completed")
            GATES.open("two")  # while nobody listens

            def two_done() -> bool:
                record = api_runtime.store.get_run(run_id)
                return record is not None and record.step("two").status.value == "done"

            await wait_for(two_done)
            last = before[-1].id
            async with client.stream(
                "GET", f"/api/runs/{run_id}/events", headers={"Last-Event-ID": str(last)}
            ) as stream:
                reader = FrameReader(stream)
                missed = await reader.read(until="step_completed")
                GATES.open("three")
                after = await reader.read()
        ids = [f.id for f in before + missed + after]
        assert ids == [e.seq for e in api_runtime.store.events(run_id)]
        assert len(ids) == len(set(ids))
        assert [(f.event, f.data["step_id"]) for f in missed] == [
            ("step_started", "two"),
            ("step_completed", "two"),
        ]
        assert (before + missed + after)[-1].event == "run_completed"

    async def test_a_finished_run_replays_after_the_given_id_and_closes(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """For an ended run the stream sends the events after `after` and closes at once."""
        async with server.client() as client:
            body = (
                await client.post("/api/tasks", json={"text": "add jam to my shopping list", "wait": True})
            ).json()
            logged = api_runtime.store.events(body["run_id"])
            async with client.stream(
                "GET", f"/api/runs/{body['run_id']}/events", params={"after": logged[1].seq}
            ) as stream:
                frames = await read_frames(stream, limit=3)
        assert [f.id for f in frames] == [e.seq for e in logged[2:]]

    async def test_a_bad_last_event_id_is_422(self, server: LiveServer) -> None:
        """A Last-Event-ID that is not a non-negative integer is 422 naming the header."""
        async with server.client() as client:
            body = (
                await client.post("/api/tasks", json={"text": "add oil to my shopping list", "wait": True})
            ).json()
            response = await client.get(f"/api/runs/{body['run_id']}/events", headers={"Last-Event-ID": "-3"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["header", "Last-Event-ID"]


class TestStreamEdges:
    async def test_a_run_another_process_writes_is_streamed_by_polling(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """Events a second store connection appends (no in-process wake-up) still reach the stream."""
        from automate.runtime.store import open_store
        from automate.runtime.workflows import run_workflow

        other_store = open_store(api_runtime.config.home)
        agents = [type(agent) for agent in api_runtime.agents.values()]
        other = Runtime(api_runtime.config, agents=agents, store=other_store)
        workflow = server.app.state.automate.catalog.workflows["gated"]
        try:
            running = asyncio.ensure_future(run_workflow(other, workflow, run_id="00aa11bb22cc33dd"))
            await wait_for(lambda: api_runtime.store.get_run("00aa11bb22cc33dd") is not None)
            async with (
                server.client() as client,
                client.stream("GET", "/api/runs/00aa11bb22cc33dd/events") as stream,
            ):
                reader = FrameReader(stream)
                first = await reader.read(until="step_started")
                GATES.open("one", "two", "three")
                rest = await reader.read()
            await running
        finally:
            await other.aclose()
            other_store.close()
        assert [f.id for f in first + rest] == [e.seq for e in api_runtime.store.events("00aa11bb22cc33dd")]
        assert rest[-1].event == "run_completed"

    async def test_stopping_the_server_ends_open_streams_at_once(
        self, app: FastAPI, api_runtime: Runtime
    ) -> None:
        """A stream on an unfinished run ends cleanly when the server stops, without the graceful wait."""
        async with live_server(app) as served, served.client() as client:
            run_id = await start_gated(client)
            await wait_for(lambda: api_runtime.store.get_run(run_id) is not None)
            async with client.stream("GET", f"/api/runs/{run_id}/events") as stream:
                reader = FrameReader(stream)
                await reader.read(until="step_started")
                served.server.should_exit = True  # graceful stop: uvicorn would wait 5 s for open responses
                started = time.monotonic()
                rest = await reader.read(limit=3)
                took = time.monotonic() - started
        assert rest == [] and took < 2.0
        record = api_runtime.store.get_run(run_id)
        assert record is not None and record.status.value == "running"  # (resumable on the next start)
