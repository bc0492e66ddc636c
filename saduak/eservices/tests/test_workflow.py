import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.eservices.builtins import BUILTIN_SERVICES, five_steps
from saduak.eservices.choices import Action
from saduak.eservices.workflow import workflow_from_definition


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The messages these tests read are the English source texts."""
    with translation.override("en"):
        yield


def definition() -> dict[str, Any]:
    return copy.deepcopy(five_steps())


def test_the_five_steps_parse_into_stages_and_a_paying_workflow() -> None:
    workflow = workflow_from_definition(definition())
    assert [stage.code for stage in workflow.stages] == [
        "intake",
        "fact_check",
        "committee",
        "payment",
        "closed",
    ]
    assert workflow.pays
    assert workflow.transition("committee", Action.APPROVE).target == "payment"


def test_every_builtin_service_has_a_valid_workflow() -> None:
    for service in BUILTIN_SERVICES:
        workflow_from_definition(service["workflow"])


def test_an_action_the_table_does_not_allow_is_refused_naming_what_is_possible() -> (
    None
):
    workflow = workflow_from_definition(definition())
    with pytest.raises(InvalidInput) as refused:
        workflow.transition("payment", Action.APPROVE)
    assert refused.value.code == "transition-not-allowed"
    assert (
        "Record the payment" in str(refused.value.message)
        or "payment" in str(refused.value.message).lower()
    )


def test_a_stage_nobody_can_reach_is_refused() -> None:
    broken = definition()
    broken["stages"].insert(
        3,
        {
            "code": "orphan",
            "kind": "review",
            "name": {"th": "ค้าง"},
            "roles": ["district_admin"],
            "target_days": 1,
        },
    )
    broken["transitions"].append(
        {"from": "orphan", "action": "forward", "to": "closed"}
    )
    with pytest.raises(InvalidInput, match="No transition leads"):
        workflow_from_definition(broken)


def test_a_stage_without_a_way_out_is_refused() -> None:
    broken = definition()
    broken["transitions"] = [
        item for item in broken["transitions"] if item["from"] != "payment"
    ]
    with pytest.raises(InvalidInput, match="no way out"):
        workflow_from_definition(broken)


def test_a_transition_to_a_missing_stage_is_refused() -> None:
    broken = definition()
    broken["transitions"].append(
        {"from": "intake", "action": "approve", "to": "nowhere"}
    )
    with pytest.raises(InvalidInput, match="does not exist"):
        workflow_from_definition(broken)


def test_an_action_foreign_to_the_kind_of_stage_is_refused() -> None:
    broken = definition()
    broken["transitions"].append({"from": "intake", "action": "pay", "to": "closed"})
    with pytest.raises(InvalidInput, match="not an action"):
        workflow_from_definition(broken)


def test_two_transitions_for_one_action_are_refused() -> None:
    broken = definition()
    broken["transitions"].append(
        {"from": "intake", "action": "forward", "to": "closed"}
    )
    with pytest.raises(InvalidInput, match="two transitions"):
        workflow_from_definition(broken)


def test_a_return_must_come_back_to_the_same_stage() -> None:
    broken = definition()
    for item in broken["transitions"]:
        if item["action"] == "return" and item["from"] == "fact_check":
            item["to"] = "intake"
    with pytest.raises(InvalidInput, match="same stage"):
        workflow_from_definition(broken)


def test_the_first_stage_must_be_intake_and_roles_must_be_office_roles() -> None:
    broken = definition()
    broken["stages"][0]["kind"] = "review"
    with pytest.raises(InvalidInput, match="intake"):
        workflow_from_definition(broken)
    broken = definition()
    broken["stages"][1]["roles"] = ["eservice_admin"]
    with pytest.raises(InvalidInput, match="unknown role"):
        workflow_from_definition(broken)


@pytest.mark.parametrize("days", [-1, 400, "many"])
def test_a_target_outside_zero_to_365_working_days_is_refused(days: object) -> None:
    broken = definition()
    broken["stages"][1]["target_days"] = days
    with pytest.raises(InvalidInput, match="working days"):
        workflow_from_definition(broken)


def test_a_stage_needs_a_thai_name_and_a_well_formed_code() -> None:
    broken = definition()
    broken["stages"][1]["name"] = {"en": "Fact check"}
    with pytest.raises(InvalidInput, match="Thai"):
        workflow_from_definition(broken)
    broken = definition()
    broken["stages"][1]["code"] = "Fact Check"
    with pytest.raises(InvalidInput, match="code"):
        workflow_from_definition(broken)
