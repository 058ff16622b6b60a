"""POST /api/tasks: plan or run a request in plain words, validated, bounded."""

from __future__ import annotations

from datetime import datetime, timedelta

from automate.runtime.runtime import Runtime
from automate.runtime.store import RunStatus
from tests.conftest import NOW
from tests.runtime.api.harness import LiveServer, read_frames


class TestTasks:
    async def test_a_dry_run_answers_the_plan_and_records_nothing(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """`dry_run` gives 200 with the planned steps and no run in the store."""
        async with server.client() as client:
            response = await client.post(
                "/api/tasks", json={"text": "schedule a meeting with Ana tomorrow at 3pm", "dry_run": True}
            )
        body = response.json()
        assert response.status_code == 200
        assert body["status"] == "planned" and body["run_id"] is None
        assert [(s["agent"], s["action"]) for s in body["steps"]] == [("scheduler", "create_event")]
        assert api_runtime.store.list_runs() == []

    async def test_a_task_starts_a_run_and_answers_202_with_its_links(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """A runnable request answers 202 at once; its run ends done in the store."""
        async with server.client() as client:
            response = await client.post("/api/tasks", json={"text": "add milk to my shopping list"})
            body = response.json()
            assert response.status_code == 202
            assert body["links"] == {
                "run": f"/api/runs/{body['run_id']}",
                "events": f"/api/runs/{body['run_id']}/events",
            }
            async with client.stream("GET", body["links"]["events"]) as stream:
                frames = await read_frames(stream)
            run = (await client.get(body["links"]["run"])).json()
        assert [f.event for f in frames][-1] == "run_completed"
        assert run["status"] == "done" and run["steps"][0]["target"] == "lists.add_item"
        record = api_runtime.store.get_run(body["run_id"])
        assert record is not None and record.status is RunStatus.DONE

    async def test_wait_answers_with_the_finished_result(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """`wait` answers 200 with the task's result once its run has ended."""
        async with server.client() as client:
            response = await client.post(
                "/api/tasks", json={"text": "add eggs to my shopping list", "wait": True}
            )
        body = response.json()
        assert response.status_code == 200
        assert body["status"] == "done" and body["message"].startswith("Added eggs")
        record = api_runtime.store.get_run(body["run_id"])
        assert record is not None and record.status is RunStatus.DONE

    async def test_a_request_no_agent_serves_is_declined_without_a_run(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """An unservable request answers 200 `declined`, and starts nothing."""
        async with server.client() as client:
            response = await client.post("/api/tasks", json={"text": "bake me a chocolate cake"})
        assert response.status_code == 200
        assert response.json()["status"] == "declined"
        assert api_runtime.store.list_runs() == []

    async def test_a_missing_field_is_422_naming_it(self, server: LiveServer) -> None:
        """A body without `text` is 422 whose detail names body.text."""
        async with server.client() as client:
            response = await client.post("/api/tasks", json={"dry_run": True})
        assert response.status_code == 422
        assert ["body", "text"] in [d["loc"] for d in response.json()["detail"]]

    async def test_a_wrong_type_or_unknown_field_is_422_naming_it(self, server: LiveServer) -> None:
        """`dry_run: "maybe"` and an unknown key each get a 422 naming that field."""
        async with server.client() as client:
            wrong = await client.post("/api/tasks", json={"text": "hi", "dry_run": "maybe"})
            extra = await client.post("/api/tasks", json={"text": "hi", "colour": "red"})
            empty = await client.post("/api/tasks", json={"text": ""})
        assert [d["loc"] for d in wrong.json()["detail"]] == [["body", "dry_run"]]
        assert [d["loc"] for d in extra.json()["detail"]] == [["body", "colour"]]
        assert [d["loc"] for d in empty.json()["detail"]] == [["body", "text"]]

    async def test_a_body_over_the_limit_is_413_and_starts_nothing(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """A body larger than `server.max_body_bytes` (declared or chunked) gets 413; no run starts."""
        text = "add milk to my shopping list " + "x" * 5000

        async def chunks():  # type: ignore[no-untyped-def]
            yield b'{"text": "' + b"y" * 3000
            yield b"z" * 3000 + b'"}'

        async with server.client() as client:
            declared = await client.post("/api/tasks", json={"text": text})
            streamed = await client.post(
                "/api/tasks", content=chunks(), headers={"Content-Type": "application/json"}
            )
        assert declared.status_code == 413 and streamed.status_code == 413
        assert "larger than 4096 bytes" in declared.json()["detail"]
        assert api_runtime.store.list_runs() == []


class TestAnswers:
    async def test_an_answer_to_a_question_is_merged_into_the_request(
        self, server: LiveServer, api_runtime: Runtime
    ) -> None:
        """'4pm' answering "what time on thursday?" plans and then books thursday at 16:00."""
        async with server.client() as client:
            asked = (await client.post("/api/tasks", json={"text": "book a call on thursday"})).json()
            answer = {"text": "4pm", "answering": asked}
            preview = (await client.post("/api/tasks", json={**answer, "dry_run": True})).json()
            booked = (await client.post("/api/tasks", json={**answer, "wait": True})).json()
        assert asked["status"] == "needs_clarification" and asked["slot"] == "start"
        assert preview["status"] == "planned" and preview["run_id"] is None
        assert booked["status"] == "done"
        start = datetime.fromisoformat(booked["steps"][0]["params"]["start"])
        assert start == (NOW + timedelta(days=2)).replace(hour=16)
        assert [r.status for r in api_runtime.store.list_runs()] == [RunStatus.DONE]

    async def test_a_run_that_asked_is_answered_with_a_number(self, server: LiveServer) -> None:
        """A clash's run gives its result at /result; '1' answering it books the first free slot."""
        request = {"text": "book a call on thursday at 3pm", "wait": True}
        async with server.client() as client:
            await client.post("/api/tasks", json=request)
            clash = (await client.post("/api/tasks", json=request)).json()
            result = (await client.get(f"/api/runs/{clash['run_id']}/result")).json()
            booked = (
                await client.post("/api/tasks", json={"text": "1", "answering": result, "wait": True})
            ).json()
        assert clash["status"] == result["status"] == "needs_clarification"
        assert len(result["options"]) == 3
        assert booked["status"] == "done" and booked["message"].endswith(result["options"][0])

    async def test_answering_what_is_no_question_is_422(self, server: LiveServer) -> None:
        """`answering` a result that asked nothing is refused, naming the field."""
        async with server.client() as client:
            done = (
                await client.post("/api/tasks", json={"text": "add figs to my shopping list", "wait": True})
            ).json()
            response = await client.post("/api/tasks", json={"text": "2", "answering": done})
            missing = await client.get(f"/api/runs/{'0' * 32}/result")
        assert response.status_code == 422
        assert [d["loc"] for d in response.json()["detail"]] == [["body", "answering"]]
        assert missing.status_code == 404
