"""The run store contract, run against the in-memory store and the SQLite store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from automate.integrations.errors import PermanentError
from automate.integrations.redaction import register_secret
from automate.runtime.store import (
    EventType,
    MemoryRunStore,
    RunEvent,
    RunRecord,
    RunStatus,
    RunStore,
    SqliteRunStore,
    StepRecord,
    StepStatus,
    open_store,
)
from automate.runtime.store.base import _HOST


class Wall:
    """A settable wall clock."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunStore]:
    """Each store under test, on a fresh file for SQLite."""
    made: RunStore = (
        MemoryRunStore() if request.param == "memory" else SqliteRunStore(tmp_path / "runs.sqlite3")
    )
    yield made
    made.close()


def new_run(run_id: str = "r1", created: float = 100.0, steps: int = 2) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        kind="task",
        name="book a meeting",
        spec={"plan": {"steps": steps}},
        created_at=created,
        updated_at=created,
        steps=[
            StepRecord(run_id=run_id, step_id=f"s{i}", seq=i, target="scheduler.create_event")
            for i in range(1, steps + 1)
        ],
    )


def started(run_id: str = "r1", at: float = 100.0) -> RunEvent:
    return RunEvent(run_id, EventType.RUN_STARTED, at, data={"kind": "task"})


def damaged_store(home: Path) -> Path:
    """A store file with finished runs whose middle pages are overwritten with garbage."""
    store = open_store(home)
    for i in range(200):
        run_id = f"{i:08x}"
        store.create_run(new_run(run_id, created=100.0 + i), [started(run_id)])
        store.record(run_id, [], [], finish=(RunStatus.DONE, None, None), at=200.0 + i)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = home / "runs.sqlite3"
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 9] = b"\xab" * (4096 * 6)
    path.write_bytes(bytes(data))
    return path


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


class TestRunStore:
    def test_a_created_run_comes_back_with_its_steps(self, store: RunStore) -> None:
        """A run is stored with its spec and pending steps, and read back equal."""
        assert store.create_run(new_run(), [started()])
        found = store.get_run("r1")
        assert found is not None
        assert (found.kind, found.name, found.status) == ("task", "book a meeting", RunStatus.RUNNING)
        assert found.spec == {"plan": {"steps": 2}}
        assert [(s.step_id, s.status) for s in found.steps] == [
            ("s1", StepStatus.PENDING),
            ("s2", StepStatus.PENDING),
        ]

    def test_the_same_run_id_is_created_once(self, store: RunStore) -> None:
        """Creating a run id a second time is refused and leaves the first intact."""
        assert store.create_run(new_run(), [started()])
        assert not store.create_run(new_run(steps=5), [started()])
        found = store.get_run("r1")
        assert found is not None and len(found.steps) == 2
        assert [e.type for e in store.events("r1")] == [EventType.RUN_STARTED]

    def test_step_state_and_events_are_recorded_together(self, store: RunStore) -> None:
        """A step's intent, outcome and events are readable after each record call."""
        store.create_run(new_run(), [started()])
        step = StepRecord(
            run_id="r1",
            step_id="s1",
            seq=1,
            target="scheduler.create_event",
            status=StepStatus.RUNNING,
            idempotency_key="r1/s1",
            attempts=1,
            params={"start": "2026-11-25T15:00:00+00:00"},
            started_at=101.0,
        )
        store.record("r1", [step], [RunEvent("r1", EventType.STEP_STARTED, 101.0, "s1", {"attempt": 1})])
        intent = store.get_run("r1")
        assert intent is not None and intent.step("s1").status is StepStatus.RUNNING
        assert intent.step("s1").idempotency_key == "r1/s1"
        step.status, step.output, step.finished_at = StepStatus.DONE, {"uid": "u1"}, 102.5
        store.record("r1", [step], [RunEvent("r1", EventType.STEP_COMPLETED, 102.5, "s1")])
        done = store.get_run("r1")
        assert done is not None
        assert done.step("s1").output == {"uid": "u1"}
        assert done.step("s1").duration == pytest.approx(1.5)
        assert [e.type for e in store.events("r1")] == [
            EventType.RUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_COMPLETED,
        ]

    def test_finishing_a_run_sets_its_status_and_leaves_the_unfinished_list(self, store: RunStore) -> None:
        """A finished run has a status, an end time and is no longer listed as unfinished."""
        store.create_run(new_run("r1", 100.0), [started("r1")])
        store.create_run(new_run("r2", 200.0), [started("r2")])
        assert store.unfinished() == ["r1", "r2"]
        store.record(
            "r1",
            [],
            [RunEvent("r1", EventType.RUN_FAILED, 150.0)],
            finish=(RunStatus.FAILED, None, "calendar down"),
            at=150.0,
        )
        found = store.get_run("r1")
        assert found is not None
        assert (found.status, found.error, found.finished_at) == (RunStatus.FAILED, "calendar down", 150.0)
        assert found.duration == pytest.approx(50.0)
        assert store.unfinished() == ["r2"]

    def test_runs_are_listed_newest_first_and_filtered_by_status(self, store: RunStore) -> None:
        """History lists the newest runs first, optionally only one status."""
        for i in range(3):
            store.create_run(new_run(f"r{i}", 100.0 + i), [started(f"r{i}")])
        store.record("r1", [], [], finish=(RunStatus.DONE, None, None), at=150.0)
        assert [r.run_id for r in store.list_runs()] == ["r2", "r1", "r0"]
        assert [r.run_id for r in store.list_runs(limit=1)] == ["r2"]
        assert [r.run_id for r in store.list_runs(status=RunStatus.DONE)] == ["r1"]

    def test_events_are_read_in_order_after_a_cursor(self, store: RunStore) -> None:
        """The event log is ordered, numbered, and readable from a cursor across runs."""
        store.create_run(new_run("r1"), [started("r1")])
        store.create_run(new_run("r2"), [started("r2")])
        store.record("r1", [], [RunEvent("r1", EventType.RUN_COMPLETED, 120.0, data={"status": "done"})])
        every = store.events()
        assert [(e.run_id, e.type) for e in every] == [
            ("r1", EventType.RUN_STARTED),
            ("r2", EventType.RUN_STARTED),
            ("r1", EventType.RUN_COMPLETED),
        ]
        assert every[0].seq < every[1].seq < every[2].seq
        later = store.events(after=every[1].seq)
        assert [e.data for e in later] == [{"status": "done"}]

    def test_subscribers_get_every_committed_event(self, store: RunStore) -> None:
        """A subscriber sees each appended event once, until it unsubscribes."""
        seen: list[tuple[str, EventType]] = []
        unsubscribe = store.subscribe(lambda e: seen.append((e.run_id, e.type)))
        store.create_run(new_run(), [started()])
        store.record("r1", [], [RunEvent("r1", EventType.STEP_STARTED, 101.0, "s1")])
        unsubscribe()
        store.record("r1", [], [RunEvent("r1", EventType.STEP_COMPLETED, 102.0, "s1")])
        assert seen == [("r1", EventType.RUN_STARTED), ("r1", EventType.STEP_STARTED)]

    def test_a_failing_subscriber_does_not_break_recording(self, store: RunStore) -> None:
        """An exception in a subscriber is logged and the event is still stored."""

        def broken(event: RunEvent) -> None:
            raise RuntimeError("boom")

        store.subscribe(broken)
        store.create_run(new_run(), [started()])
        assert len(store.events("r1")) == 1

    def test_a_live_lease_keeps_other_owners_out(self, store: RunStore) -> None:
        """A lease held by a live owner refuses others until it expires or is released."""
        store.create_run(new_run(), [started()])
        assert store.claim("r1", "elsewhere:1:a", now=100.0, ttl=60.0)
        assert store.claim("r1", "elsewhere:1:a", now=110.0, ttl=60.0)  # renewal
        assert not store.claim("r1", "elsewhere:2:b", now=120.0, ttl=60.0)
        assert store.claim("r1", "elsewhere:2:b", now=171.0, ttl=60.0)  # expired
        store.release("r1", "elsewhere:2:b")
        assert store.claim("r1", "elsewhere:3:c", now=172.0, ttl=60.0)

    def test_the_lease_of_a_dead_process_on_this_host_is_taken_over(self, store: RunStore) -> None:
        """A killed process's lease does not block a resume until it expires."""
        store.create_run(new_run(), [started()])
        assert store.claim("r1", f"{_HOST}:{dead_pid()}:x", now=100.0, ttl=3600.0)
        assert store.claim("r1", "elsewhere:1:a", now=102.0)

    def test_a_live_process_here_keeps_its_lease_past_expiry(self, store: RunStore) -> None:
        """A running local owner (here: this test process) is never pre-empted by expiry."""
        store.create_run(new_run(), [started()])
        assert store.claim("r1", f"{_HOST}:{os.getpid()}:0:other", now=100.0, ttl=60.0)
        assert not store.claim("r1", "elsewhere:1:a", now=10_000.0)

    def test_a_reused_pid_does_not_keep_a_dead_owners_lease(self, store: RunStore) -> None:
        """An owner whose pid now belongs to a process with another start time counts as dead."""
        store.create_run(new_run(), [started()])
        assert store.claim("r1", f"{_HOST}:1:999999999999:gone", now=100.0, ttl=3600.0)
        assert store.claim("r1", "elsewhere:1:a", now=101.0, ttl=60.0)

    def test_a_schedule_tick_fires_once(self, store: RunStore) -> None:
        """The same (workflow, tick) can be claimed only once."""
        assert store.claim_tick("agenda", "2026-11-25T07:00:00+00:00", "run-a", now=1.0)
        assert not store.claim_tick("agenda", "2026-11-25T07:00:00+00:00", "run-b", now=2.0)
        assert store.claim_tick("agenda", "2026-11-26T07:00:00+00:00", "run-c", now=3.0)

    def test_marks_hold_small_named_values(self, store: RunStore) -> None:
        """A mark reads back the last value set."""
        assert store.get_mark("cursor") is None
        store.set_mark("cursor", "10")
        store.set_mark("cursor", "12")
        assert store.get_mark("cursor") == "12"

    def test_prune_removes_only_old_finished_runs(self, store: RunStore) -> None:
        """Retention deletes finished runs that ended before the cut-off, with their events."""
        store.create_run(new_run("old", 10.0), [started("old", 10.0)])
        store.create_run(new_run("new", 10.0), [started("new", 10.0)])
        store.create_run(new_run("open", 10.0), [started("open", 10.0)])
        store.record("old", [], [], finish=(RunStatus.DONE, None, None), at=20.0)
        store.record("new", [], [], finish=(RunStatus.DONE, None, None), at=500.0)
        assert store.prune(before=100.0) == 1
        assert store.get_run("old") is None and store.events("old") == []
        assert store.get_run("new") is not None and store.get_run("open") is not None


class TestSqliteRunStore:
    def test_runs_survive_reopening_the_file(self, tmp_path: Path) -> None:
        """What one store instance wrote, a fresh one on the same file reads."""
        first = open_store(tmp_path)
        first.create_run(new_run(), [started()])
        first.close()
        second = open_store(tmp_path)
        found = second.get_run("r1")
        second.close()
        assert found is not None and found.name == "book a meeting"

    def test_the_file_is_in_wal_mode(self, tmp_path: Path) -> None:
        """The store journals in WAL mode, so readers never block the writer."""
        store = open_store(tmp_path)
        mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
        store.close()
        assert mode == "wal"

    def test_two_stores_on_one_file_share_ticks_and_leases(self, tmp_path: Path) -> None:
        """Two processes' stores on one file agree on who fired a tick and who holds a run."""
        a, b = open_store(tmp_path), open_store(tmp_path)
        a.create_run(new_run(), [started()])
        assert a.claim_tick("agenda", "t1", "x", now=1.0)
        assert not b.claim_tick("agenda", "t1", "y", now=1.0)
        assert a.claim("r1", "elsewhere:1:a", now=100.0)
        assert not b.claim("r1", "elsewhere:2:b", now=101.0)
        a.close()
        b.close()

    def test_old_runs_are_pruned_when_the_store_opens(self, tmp_path: Path) -> None:
        """Opening the store applies the retention setting."""
        wall = Wall(1_000_000.0)
        first = SqliteRunStore(tmp_path / "runs.sqlite3", wall=wall)
        first.create_run(new_run("old", 10.0), [started("old", 10.0)])
        first.record("old", [], [], finish=(RunStatus.DONE, None, None), at=20.0)
        first.close()
        second = SqliteRunStore(tmp_path / "runs.sqlite3", retention_days=1, wall=wall)
        assert second.get_run("old") is None
        second.close()

    def test_a_damaged_file_is_one_clear_error_when_the_store_opens(self, tmp_path: Path) -> None:
        """Opening (and pruning) a store with a damaged page raises PermanentError naming the file."""
        path = damaged_store(tmp_path)
        with pytest.raises(PermanentError) as raised:
            SqliteRunStore(path, retention_days=1, wall=Wall(10_000_000.0))
        message = str(raised.value)
        assert str(path) in message and "damaged" in message and "\n" not in message

    def test_reading_a_damaged_file_is_one_clear_error(self, tmp_path: Path) -> None:
        """Listing runs from a damaged store raises PermanentError, not sqlite3.DatabaseError."""
        store = SqliteRunStore(damaged_store(tmp_path), retention_days=None)
        with pytest.raises(PermanentError, match="damaged"):
            store.list_runs(500)
        store.close()

    def test_history_on_a_damaged_store_prints_one_line(self, tmp_path: Path) -> None:
        """`automate history` on a damaged store says so in one line and exits 1, without a traceback."""
        damaged_store(tmp_path)
        env = {**os.environ, "AUTOMATE_HOME": str(tmp_path), "AUTOMATE_CONFIG": ""}
        done = subprocess.run(
            [sys.executable, "-m", "automate.main", "history"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr and "DatabaseError" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "runs.sqlite3" in lines[0] and "damaged" in lines[0]

    def test_registered_secrets_never_reach_the_file(self, tmp_path: Path) -> None:
        """A secret in a run's name, spec, params, output, message, error or events is stored masked."""
        secret = "typed-in-s3cret-5521"
        register_secret(secret)
        store = open_store(tmp_path)
        run = new_run()
        run.name, run.spec = f"send {secret}", {"text": f"send {secret}"}
        store.create_run(run, [RunEvent("r1", EventType.RUN_STARTED, 100.0, data={"text": secret})])
        step = run.steps[0]
        step.params, step.output = {"body": secret}, {"echo": [secret]}
        step.message, step.error, step.status = f"sent {secret}", f"refused {secret}", StepStatus.FAILED
        store.record("r1", [step], [], finish=(RunStatus.FAILED, {"why": secret}, f"failed: {secret}"))
        found = store.get_run("r1")
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("runs.sqlite3"))
        assert secret.encode() not in raw
        assert found is not None and found.name == "send ***" and found.error == "failed: ***"
        assert found.steps[0].params == {"body": "***"}

    def test_a_typed_secret_stays_hidden_from_history_after_its_variable_is_unset(
        self, tmp_path: Path
    ) -> None:
        """A task holding the API token is stored masked, so `history` without the variable shows ***."""
        secret = "typed-api-token-3391"
        config = tmp_path / "config"
        config.mkdir()
        (config / "settings.yaml").write_text("server:\n  token: ${AUTOMATE_API_TOKEN}\n")
        env = {**os.environ, "AUTOMATE_HOME": str(tmp_path / "home")}
        run = [sys.executable, "-m", "automate.main"]
        task = subprocess.run(
            [*run, f"add {secret} to my shopping list", "--config", str(config)],
            capture_output=True,
            text=True,
            env={**env, "AUTOMATE_API_TOKEN": secret},
            timeout=60,
        )
        shown = subprocess.run(
            [*run, "history", "--config", str(config)], capture_output=True, text=True, env=env, timeout=60
        )
        assert task.returncode == 0 and shown.returncode == 0, task.stderr + shown.stderr
        assert secret not in task.stdout + shown.stdout
        assert "add *** to my shopping list" in shown.stdout
