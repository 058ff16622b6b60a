"""WordQuery: finding the thing a person names by its words."""

from __future__ import annotations

from automate.agents.matching import Clue, WordQuery, words

NOUNS = frozenset({"meeting", "appointment", "call"})


def titled(*titles: str) -> dict[str, list[Clue]]:
    """Candidates known by their title alone, keyed by it."""
    return {title: [Clue(title)] for title in titles}


def best(query: str | None, candidates: dict[str, list[Clue]]) -> list[str]:
    """The keys of the candidates the query fits best."""
    return WordQuery(query, generic=NOUNS).best(candidates, candidates.__getitem__)


class TestWordQuery:
    """Scoring candidates by the words of a query."""

    def test_words_fold_case_accents_plurals_and_function_words(self) -> None:
        """'My Cafés, the Lunches and Ana's bins' keeps only the folded words that tell things apart."""
        assert words("My Cafés, the Lunches and Ana's bins") == ["cafe", "lunch", "ana", "bin"]
        assert words("Parties") == words("party") and words("boxes") == words("box")
        assert words("class") == ["class"] and words(None) == []

    def test_ing_and_ed_forms_meet_their_stem(self) -> None:
        """A word ending in -ing or -ed finds its stem ('calling mom' is 'call mom'), never a mere prefix."""
        reminders = titled("call mom", "water the plant", "take out the bin", "Plan")
        assert best("calling mom", reminders) == ["call mom"]
        assert best("i watered the plants", reminders) == ["water the plant"]
        assert best("taking out the bins", reminders) == ["take out the bin"]
        assert best("the planning", reminders) == ["Plan"]
        assert best("jan", titled("Jane")) == [] and best("called", titled("cal")) == []

    def test_a_generic_noun_need_not_be_held(self) -> None:
        """'my dentist appointment' finds the event titled 'Dentist'."""
        assert best("my dentist appointment", titled("Team standup", "Dentist", "Yoga")) == ["Dentist"]

    def test_every_distinctive_word_must_be_held(self) -> None:
        """'the dentist appointment' never falls back on 'Doctor appointment', which lacks 'dentist'."""
        assert best("the dentist appointment", titled("Doctor appointment", "Team meeting")) == []
        assert best("lunch with bruno", titled("Lunch with Ana")) == []

    def test_the_words_may_be_in_any_field(self) -> None:
        """A query is matched against title, people and place together."""
        candidates = {
            "sync": [Clue("Project sync"), Clue("Ana Silva ana"), Clue("Room 4")],
            "lunch": [Clue("Lunch"), Clue("Bruno Costa bruno"), Clue("Cantina")],
        }
        assert best("the sync with ana", candidates) == ["sync"]
        assert best("lunch at the cantina", candidates) == ["lunch"]
        assert best("ana in room 4", candidates) == ["sync"]

    def test_a_title_match_outweighs_a_notes_match(self) -> None:
        """The word in one event's title beats the same word in another's notes."""
        candidates = {
            "review": [Clue("Budget review"), Clue(None, weight=0.5)],
            "sync": [Clue("Team sync"), Clue("talk about the budget", weight=0.5)],
        }
        assert best("the budget meeting", candidates) == ["review"]

    def test_a_generic_noun_said_counts_a_little(self) -> None:
        """Of two events with Ana, 'the call with Ana' fits the one called a call."""
        candidates = {
            "call": [Clue("Weekly call"), Clue("Ana")],
            "sync": [Clue("Weekly sync"), Clue("Ana")],
        }
        assert best("the call with ana", candidates) == ["call"]

    def test_alike_candidates_come_back_together(self) -> None:
        """Two events holding the words equally are both returned, for the caller to ask which."""
        candidates = {"design": [Clue("Design review"), Clue("Ana")], "plan": [Clue("Planning"), Clue("Ana")]}
        assert best("my meeting with ana", candidates) == ["design", "plan"]

    def test_an_exact_name_beats_a_longer_one(self) -> None:
        """'milk' is the item 'milk', not 'oat milk'; 'oat milk' is never 'milk'."""
        assert best("milk", titled("oat milk", "milk")) == ["milk"]
        assert best("oat milk", titled("milk")) == []
        assert best("milk", titled("oat milk", "soy milk")) == ["oat milk", "soy milk"]

    def test_a_query_naming_nothing_fits_every_candidate(self) -> None:
        """'for' (or no query) says nothing about which, so every candidate is alike."""
        query = WordQuery("for")
        assert query.names_nothing and not WordQuery("the plumber").names_nothing
        assert best("for", titled("call the plumber", "pay rent")) == ["call the plumber", "pay rent"]
        assert best(None, titled("pay rent")) == ["pay rent"]

    def test_matches_keeps_every_candidate_holding_the_words(self) -> None:
        """`matches` filters without ranking: generic nouns alone narrow nothing."""
        candidates = titled("Dentist", "Dentist appointment", "Yoga")
        query = WordQuery("dentist appointments", generic=NOUNS)
        assert query.matches(candidates, candidates.__getitem__) == ["Dentist", "Dentist appointment"]
        assert WordQuery("meetings", generic=NOUNS).matches(candidates, candidates.__getitem__) == list(
            candidates
        )
