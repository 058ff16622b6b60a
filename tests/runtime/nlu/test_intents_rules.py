"""General slot and intent rules of `runtime.nlu.intents`, each on phrasings written for the rule."""

from __future__ import annotations

import pytest

from runtime.nlu.intents import analyze


def slots(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in analyze(text).slots]


def kinds(text: str, kind: str) -> list[str]:
    return [s.text for s in analyze(text).slots if s.type == kind]


class TestPeopleRules:
    def test_a_relation_owning_an_event_is_a_relation(self) -> None:
        """ "dad's retirement party" names the relation even without "my"."""
        assert kinds("when is dad's retirement party", "relation") == ["dad's"]

    def test_no_name_follows_a_possessive_relation(self) -> None:
        """ "my niece's piano recital" is an event of the niece, not a person called piano."""
        found = slots("put my niece's piano recital on friday")
        assert ("relation", "niece's") in found
        assert not kinds("put my niece's piano recital on friday", "person")

    def test_a_past_verb_after_a_name_is_no_surname(self) -> None:
        """ "has priya answered" names Priya alone."""
        assert kinds("has priya answered my mail", "person") == ["priya"]
        assert kinds("did omar write back", "person") == ["omar"]

    def test_a_mail_folder_is_no_person(self) -> None:
        """ "from junk" is a folder."""
        assert not kinds("show the emails from junk", "person")


class TestTimeRules:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("pause the alarm for twenty minutes", "twenty minutes"),
            ("keep three hours free on monday", "three hours"),
        ],
    )
    def test_a_length_keeps_its_unit(self, text: str, span: str) -> None:
        """A number with a unit of time is one time slot, unit included."""
        assert span in kinds(text, "time")

    def test_a_length_from_now_keeps_from_now(self) -> None:
        """ "ten minutes from now" stays one slot."""
        assert kinds("wake me ten minutes from now", "time") == ["ten minutes from now"]

    def test_a_counted_number_is_no_time(self) -> None:
        """ "for 6 guests" counts guests; the clock time is the other number."""
        assert kinds("plan a dinner for 6 guests at 8pm", "time") == ["8pm"]

    def test_weekdays_after_an_article(self) -> None:
        """ "the weekdays" is a date slot."""
        assert "weekdays" in kinds("set my alarm for the weekdays at six", "date")
