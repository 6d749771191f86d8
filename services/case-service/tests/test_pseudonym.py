import re

import pytest

from case_service.domain.pseudonym import pseudonym

KEY = b"k" * 32


def test_pseudonym_is_short_readable_and_stable() -> None:
    first = pseudonym(KEY, "st-peters", "jsmith")
    assert re.fullmatch(r"staff-[0-9a-f]{10}", first)
    assert pseudonym(KEY, "st-peters", "jsmith") == first


def test_account_case_and_spaces_do_not_matter() -> None:
    assert pseudonym(KEY, "st-peters", " JSmith ") == pseudonym(KEY, "st-peters", "jsmith")


def test_different_keys_give_unrelated_pseudonyms() -> None:
    assert pseudonym(KEY, "st-peters", "jsmith") != pseudonym(b"other-key" * 4, "st-peters", "jsmith")


def test_same_account_in_two_schools_is_two_people() -> None:
    assert pseudonym(KEY, "st-peters", "jsmith") != pseudonym(KEY, "elms-farm", "jsmith")


def test_parts_cannot_be_shifted_between_school_and_account() -> None:
    assert pseudonym(KEY, "a/b", "c") != pseudonym(KEY, "a", "b/c")


def test_pseudonym_does_not_contain_the_account() -> None:
    assert "jsmith" not in pseudonym(KEY, "st-peters", "jsmith")


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="key"):
        pseudonym(b"", "st-peters", "jsmith")
