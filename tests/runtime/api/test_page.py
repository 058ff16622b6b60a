"""The live page in headless Chromium against `automate serve`: ask, watch it run, browse history."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.api.harness import TOKEN, ServeProcess, start_serve, stop_serve

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ENDED = "#run-status.done, #run-status.failed, #run-status.needs_clarification"


def _need_browser() -> None:
    """Skip where Chromium or Playwright is missing, except in CI, where that is a failure."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip)")
    if missing:
        message = "needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def served(api_config_dir: Path, home: Path) -> Iterator[ServeProcess]:
    """`automate serve` with the test config (shipped workflows included) on a loopback port."""
    process = start_serve(api_config_dir, home, home / "serve.log")
    yield process
    stop_serve(process)


@pytest.fixture
async def page(served: ServeProcess) -> AsyncIterator[Any]:
    """A Chromium page (the system browser, headless) with the server's page open and connected."""
    _need_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = await browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        await tab.goto(served.url + "/")
        await tab.fill("#token", TOKEN)
        await tab.click("#token-form button")
        await tab.wait_for_selector("#connection.done", timeout=10_000)
        yield tab
        await browser.close()
        assert errors == []


def keep(screenshot: Path) -> None:
    """Copy a screenshot to $AUTOMATE_SCREENSHOTS when set (CI artifacts, a person's look)."""
    target = os.environ.get("AUTOMATE_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(target) / screenshot.name)


class TestLivePage:
    async def test_a_submitted_task_is_watched_to_completion(self, page: Any, tmp_path: Path) -> None:
        """Typing a task and pressing Run shows its step done, its events, and the run in history."""
        await page.fill("#task-text", "schedule a meeting with Ana tomorrow at 3pm")
        await page.click("#task-submit")
        await page.wait_for_selector(ENDED, timeout=15_000)
        await page.wait_for_selector("#run-events tr >> text=run_completed", timeout=5_000)
        assert await page.inner_text("#run-status") == "done"
        steps = page.locator("#run-steps li")
        assert await steps.count() == 1
        assert await steps.first.get_attribute("data-status") == "done"
        assert "scheduler.create_event" in await steps.first.inner_text()
        assert "Booked" in await steps.first.inner_text()
        events = await page.locator("#run-events tr td:nth-child(3)").all_inner_texts()
        assert events == ["run_started", "step_started", "step_completed", "run_completed"]
        run_id = await page.inner_text("#run-id")
        await page.wait_for_selector(f"#history-rows tr[data-run='{run_id}']", timeout=5_000)
        screenshot = tmp_path / "live-page-task.png"
        await page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 10_000
        keep(screenshot)

    async def test_a_dry_run_shows_the_plan_without_running(self, page: Any) -> None:
        """With the dry-run toggle on, the page shows the planned step and no run id."""
        await page.fill("#task-text", "remind me to call mum at 6pm")
        await page.check("#dry-run")
        await page.click("#task-submit")
        await page.wait_for_selector("#run-status.planned", timeout=10_000)
        assert await page.inner_text("#run-id") == "(not run)"
        assert "reminders.set_reminder" in await page.inner_text("#run-steps")
        assert await page.locator("#history-rows tr").count() == 0

    async def test_a_workflow_is_picked_and_followed_step_by_step(self, page: Any, tmp_path: Path) -> None:
        """Starting meeting_request from the picker shows its three steps done, then its history row."""
        await page.select_option("#workflow-name", "meeting_request")
        await page.fill("#workflow-inputs input[name=attendee]", "ana@example.com")
        await page.click("#workflow-submit")
        await page.wait_for_selector(ENDED, timeout=15_000)
        await page.wait_for_selector("#run-steps li:nth-child(3)[data-status=done]", timeout=5_000)
        statuses = [await li.get_attribute("data-status") for li in await page.locator("#run-steps li").all()]
        assert statuses == ["done", "done", "done"]
        assert await page.inner_text("#run-status") == "done"
        completed = page.locator("#run-events tr", has_text="step_completed")
        assert await completed.count() == 3
        screenshot = tmp_path / "live-page-workflow.png"
        await page.screenshot(path=str(screenshot), full_page=True)
        keep(screenshot)

    async def test_a_history_row_opens_that_runs_events(self, page: Any) -> None:
        """Clicking an earlier run in history replays its steps and events."""
        await page.fill("#task-text", "add milk to my shopping list")
        await page.click("#task-submit")
        await page.wait_for_selector(ENDED, timeout=15_000)
        first = await page.inner_text("#run-id")
        await page.fill("#task-text", "add bread to my shopping list")
        await page.click("#task-submit")
        await page.wait_for_selector(f"#history-rows tr:nth-child(2)[data-run='{first}']", timeout=10_000)
        await page.click(f"#history-rows tr[data-run='{first}']")
        # Selector waits, not wait_for_function: the page's CSP forbids evaluating strings.
        await page.wait_for_selector(f"#run-id:text-is('{first}')", timeout=5_000)
        await page.wait_for_selector("#run-events tr >> text=run_completed", timeout=5_000)
        assert "Added milk" in await page.inner_text("#run-steps")

    async def test_a_question_is_answered_inline_then_confirmed(self, page: Any) -> None:
        """A missing time is asked for; the answer typed in the Ask box is shown as a plan, then booked."""
        await page.fill("#task-text", "book a call on thursday")
        await page.click("#task-submit")
        await page.wait_for_selector("#run-status.needs_clarification", timeout=10_000)
        assert await page.inner_text("#task-submit") == "Answer"
        await page.fill("#task-text", "4pm")
        await page.click("#task-submit")
        await page.wait_for_selector("#confirm-box:not([hidden])", timeout=10_000)
        assert (await page.inner_text("#run-message")).startswith("I will:")
        assert "start='2026-11-26T16:00" in await page.inner_text("#run-message")
        await page.click("#task-go")
        await page.wait_for_selector("#run-status.done", timeout=15_000)
        assert "Thu 26 Nov 16:00" in await page.inner_text("#run-steps")
        assert await page.inner_text("#task-submit") == "Run"

    async def test_a_numbered_choice_of_a_run_is_answered_inline(self, page: Any) -> None:
        """A clash ends its run with numbered slots; '2' in the Ask box books the second once confirmed."""
        for _ in range(2):
            await page.fill("#task-text", "book a call on thursday at 3pm")
            await page.click("#task-submit")
            await page.wait_for_selector(ENDED, timeout=15_000)
        await page.wait_for_selector("#task-submit:text-is('Answer')", timeout=10_000)
        options = (await page.inner_text("#run-message")).splitlines()
        second = options[-2].removeprefix("  2. ").strip()
        await page.fill("#task-text", "2")
        await page.click("#task-submit")
        await page.wait_for_selector("#confirm-box:not([hidden])", timeout=10_000)
        await page.click("#task-go")
        await page.wait_for_selector("#run-status.done", timeout=15_000)
        assert second in await page.inner_text("#run-steps")
