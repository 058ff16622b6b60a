"""The one masking function: registered secrets, by exact value, in every shape of output."""

from __future__ import annotations

import pytest

from automate.integrations.redaction import redact, register_secret, short_secret_problem


class TestRedact:
    def test_a_registered_secret_is_masked_in_nested_output(self) -> None:
        """Strings inside mappings, lists, tuples and exceptions all come out masked."""
        register_secret("nested-s3cret-77")
        shown = redact({"a": ["x nested-s3cret-77 y", ("nested-s3cret-77",)], "b": 3})
        assert shown == {"a": ["x *** y", ("***",)], "b": 3}
        assert redact(RuntimeError("login nested-s3cret-77 refused")) == "login *** refused"

    def test_only_the_exact_value_is_masked(self) -> None:
        """A value differing by one character from a secret is left as it is."""
        register_secret("Exact-Value-42")
        assert redact("exact-value-42 Exact-Value-4 Exact-Value-42") == "exact-value-42 Exact-Value-4 ***"


class TestRegisterSecret:
    def test_a_secret_too_short_to_mask_is_refused(self) -> None:
        """Registering a three-character secret raises instead of leaving it unmasked."""
        assert short_secret_problem("abc") is not None
        with pytest.raises(ValueError, match="shorter than 4 characters"):
            register_secret("abc")
        assert redact("abc") == "abc"

    def test_an_empty_value_means_no_secret(self) -> None:
        """An empty or missing value registers nothing and is no problem."""
        assert short_secret_problem("") is None
        register_secret("")
        register_secret(None)
        assert redact("plain words") == "plain words"
