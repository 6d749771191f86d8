import pytest

from alerter.domain.permissions import may_retry, may_see


@pytest.mark.parametrize(
    ("roles", "schools", "school", "routed", "allowed"),
    [
        ({"slg"}, {"elms-farm"}, "elms-farm", ["slg"], True),
        ({"slg"}, {"st-peters"}, "elms-farm", ["slg"], False),  # another school
        ({"slg"}, {"elms-farm"}, "elms-farm", ["dsl", "headteacher"], False),  # safeguarding
        ({"dsl"}, {"elms-farm"}, "elms-farm", ["dsl", "headteacher"], True),
        ({"headteacher"}, {"elms-farm"}, "elms-farm", ["slg"], True),
        ({"hr"}, {"elms-farm"}, "elms-farm", ["it_ops"], False),
        ({"it_ops"}, set(), "elms-farm", ["it_ops"], True),
        ({"it_ops"}, set(), "st-peters", ["slg"], True),
        ({"dpo"}, {"elms-farm"}, "elms-farm", ["slg"], False),
        (set(), {"elms-farm"}, "elms-farm", ["slg"], False),
    ],
)
def test_who_may_see_and_acknowledge(
    roles: set[str], schools: set[str], school: str, routed: list[str], allowed: bool
) -> None:
    assert may_see(roles, schools, school, routed) is allowed


def test_only_it_ops_requeue() -> None:
    assert may_retry({"it_ops"})
    assert not may_retry({"headteacher", "dsl"})
