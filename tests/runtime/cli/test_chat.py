"""The chat loop, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from automate.integrations.config import AppConfig
from automate.runtime.cli.chat import Chat
from automate.runtime.runtime import Runtime


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input, create_app_session(input=pipe_input, output=DummyOutput()):
        yield pipe_input


def make_chat(config: AppConfig, now: Callable[[], datetime], pipe: PipeInput, said: list[str]) -> Chat:
    runtime = Runtime(config, now=now)
    return Chat(runtime, input=pipe, output=DummyOutput(), history=InMemoryHistory(), echo=said.append)


class TestChat:
    async def test_question_answer_confirm_book(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], pipe: PipeInput
    ) -> None:
        """A missing time is asked for, the answer fills it, and the booking is confirmed first."""
        said: list[str] = []
        chat = make_chat(local_config, fixed_now, pipe, said)
        pipe.send_text("schedule a meeting with Ana\rtomorrow at 3pm\ry\r/quit\r")
        assert await chat.run() == 0
        text = "\n".join(said)
        assert "?" in said[1]
        assert "I will:" in text
        assert "Booked 'Meeting with Ana' Wed 25 Nov 15:00–15:30" in text

    async def test_declining_the_confirmation_changes_nothing(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], pipe: PipeInput
    ) -> None:
        """Answering no at the confirmation leaves the calendar as it was."""
        said: list[str] = []
        chat = make_chat(local_config, fixed_now, pipe, said)
        pipe.send_text("schedule a meeting with Ana tomorrow at 3pm\rn\rwhat's on my calendar tomorrow\r")
        pipe.close()
        await chat.run()
        assert "Cancelled; nothing changed." in said
        assert said[-1] == "Nothing on your calendar then."

    async def test_slash_commands(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], pipe: PipeInput
    ) -> None:
        """/help and /agents answer without touching any agent."""
        said: list[str] = []
        chat = make_chat(local_config, fixed_now, pipe, said)
        pipe.send_text("/help\r/agents\r/nonsense\r/quit\r")
        await chat.run()
        text = "\n".join(said)
        assert "/quit" in text and "scheduler —" in text and "Unknown command /nonsense" in text

    async def test_a_number_answers_a_question_with_readings(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], pipe: PipeInput
    ) -> None:
        """The readings of an ambiguous hour are numbered; '2' picks the second, then it is confirmed."""
        said: list[str] = []
        chat = make_chat(local_config, fixed_now, pipe, said)
        pipe.send_text("plan a call on thursday at 8\r2\ry\r/quit\r")
        await chat.run()
        assert "Answer with a number." in said
        assert any(line.startswith("I will:") for line in said)
        assert "Thu 26 Nov 20:00–20:30" in said[-1] and said[-1].startswith("Booked")
