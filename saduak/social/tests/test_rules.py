"""A rule's conditions and sources, checked against the facts and sources."""

from typing import Any

import pytest

from saduak.core.errors import InvalidInput
from saduak.social.facts import FACTS
from saduak.social.rules import conditions_clean, min_agree_clean, sources_clean
from saduak.social.services.rules import default_rules


def refusal(raw: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        conditions_clean(raw)
    assert caught.value.field == "conditions"
    return caught.value


def test_a_flat_list_of_conditions_is_one_group_and_choices_are_sorted() -> None:
    assert conditions_clean(
        [
            {"field": "monthly_income", "op": "lt", "value": 3000},
            {"field": "housing", "op": "in", "value": ["none", "dilapidated"]},
        ]
    ) == [
        [
            {"field": "monthly_income", "op": "lt", "value": 3000},
            {"field": "housing", "op": "in", "value": ["dilapidated", "none"]},
        ]
    ]


def test_groups_of_conditions_are_kept_and_missing_takes_no_value() -> None:
    assert conditions_clean(
        [
            [{"field": "monthly_income", "op": "lt", "value": 3000}],
            [{"field": "monthly_income", "op": "missing", "value": None}],
        ]
    ) == [
        [{"field": "monthly_income", "op": "lt", "value": 3000}],
        [{"field": "monthly_income", "op": "missing"}],
    ]


def test_an_unknown_field_is_refused_naming_the_condition_and_the_field() -> None:
    error = refusal(
        [
            [{"field": "elderly", "op": "is_true"}],
            [
                {"field": "elderly", "op": "is_true"},
                {"field": "salary", "op": "lt", "value": 1},
            ],
        ]
    )
    assert "2" in str(error.message)
    assert "salary" in str(error.message)


@pytest.mark.parametrize(
    ("condition", "says"),
    [
        ({"field": "monthly_income", "op": "in", "value": [1]}, "in"),
        ({"field": "elderly", "op": "lt", "value": 1}, "lt"),
        ({"field": "monthly_income", "op": "lt", "value": "3000"}, "monthly_income"),
        ({"field": "monthly_income", "op": "lt", "value": True}, "monthly_income"),
        ({"field": "monthly_income", "op": "lt", "value": -1}, "0"),
        ({"field": "housing", "op": "in", "value": ["castle"]}, "castle"),
        ({"field": "housing", "op": "in", "value": []}, "housing"),
        ({"field": "housing", "op": "in", "value": "none"}, "housing"),
        ({"field": "elderly", "op": "is_true", "value": 3}, "is_true"),
        ({"field": "elderly", "op": "is_true", "extra": 1}, "extra"),
        ("elderly", "field"),
    ],
)
def test_an_operator_or_value_that_does_not_fit_the_field_is_refused(
    condition: Any, says: str
) -> None:
    error = refusal([condition])
    assert says in str(error.message)
    assert "1" in str(error.message)


@pytest.mark.parametrize(
    "raw", [[], None, "x", [[]], [[{"field": "elderly", "op": "is_true"}], "x"]]
)
def test_no_conditions_or_a_malformed_list_is_refused(raw: Any) -> None:
    refusal(raw)


def test_sources_are_known_kinds_and_min_agree_is_at_most_their_number() -> None:
    assert sources_clean(["welfare_card", "basic_needs"]) == [
        "welfare_card",
        "basic_needs",
    ]
    with pytest.raises(InvalidInput) as caught:
        sources_clean(["tax_office"])
    assert caught.value.field == "sources"
    assert "tax_office" in str(caught.value.message)
    with pytest.raises(InvalidInput):
        sources_clean([])
    assert min_agree_clean(2, ["a", "b"]) == 2
    for bad in (0, 3, "1", True):
        with pytest.raises(InvalidInput) as caught:
            min_agree_clean(bad, ["a", "b"])
        assert caught.value.field == "min_agree"


def test_the_default_rules_are_valid_and_cover_domain_3_8_and_the_tpmap_dimensions() -> (
    None
):
    fields = set()
    for rule in default_rules():
        groups = conditions_clean(rule["conditions"])
        assert groups == rule["conditions"]
        min_agree_clean(rule["min_agree"], sources_clean(rule["sources"]))
        fields |= {c["field"] for group in groups for c in group}
    assert fields == set(FACTS)


def test_conditions_read_in_words_with_groups_joined_by_or() -> None:
    from django.utils import translation

    from saduak.social.rules import conditions_text

    groups = conditions_clean(
        [
            [
                {"field": "monthly_income", "op": "lt", "value": 3000},
                {"field": "elderly", "op": "is_true"},
            ],
            [{"field": "housing", "op": "in", "value": ["none"]}],
            [{"field": "welfare_access", "op": "is_false"}],
            [{"field": "monthly_income", "op": "missing"}],
        ]
    )
    with translation.override("en"):
        assert conditions_text(groups) == (
            "Monthly income (THB) < 3,000 and Elderly dependant"
            " or Housing: No home of their own"
            " or not: Has access to welfare"
            " or Monthly income (THB): not given"
        )
