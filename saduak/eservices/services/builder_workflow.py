"""The builder's workflow editing: stages and the explicit transitions of a
draft's workflow. A draft may still lack paths (no closing stage yet); every
stage and transition in it must be valid on its own."""

import copy
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput
from saduak.eservices.models import ServiceVersion
from saduak.eservices.services.builder_common import (
    UP,
    copy_pieces,
    ensure_can_build,
    locked_draft,
)
from saduak.eservices.workflow import workflow_from_definition, workflow_parts


def workflow_check(workflow: Any, *, complete: bool) -> dict[str, Any]:
    """The workflow definition checked and normalised. Complete (publishing):
    `workflow_from_definition` must accept it. A draft may still lack stages or
    paths (no closing stage, a stage with no way out), but every stage and
    every transition in it must be valid on its own (`workflow_parts`)."""
    if complete:
        return workflow_from_definition(workflow).as_definition()
    return workflow_parts(workflow).as_definition()


def _edit_workflow(
    version: ServiceVersion,
    actor: Any,
    action: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> ServiceVersion:
    ensure_can_build(actor)
    with transaction.atomic():
        locked = locked_draft(version)
        workflow = copy.deepcopy(locked.workflow) or {}
        workflow.setdefault("stages", [])
        workflow.setdefault("transitions", [])
        details = change(workflow)
        locked.workflow = workflow_check(workflow, complete=False)
        locked.save(update_fields=["workflow", "updated_at"])
        audit_record(actor=actor, action=action, target=locked, after=details)
    copy_pieces(locked, version)
    return locked


def _stage_index(workflow: dict[str, Any], code: str) -> int:
    for index, stage in enumerate(workflow["stages"]):
        if stage.get("code") == code:
            return index
    raise InvalidInput(
        _("The workflow has no stage %(code)s.") % {"code": code},
        code="stage-unknown",
    )


def workflow_stage_add(
    *, version: ServiceVersion, stage: dict[str, Any], actor: Any
) -> ServiceVersion:
    """Adds a stage at the end of a draft's workflow (the first stage is where
    applications arrive). Audited as `eservices.workflow.stage_add`."""

    def change(workflow: dict[str, Any]) -> dict[str, Any]:
        workflow["stages"].append(copy.deepcopy(stage))
        return {"stage": stage}

    return _edit_workflow(version, actor, "eservices.workflow.stage_add", change)


def workflow_stage_update(
    *, version: ServiceVersion, stage_code: str, stage: dict[str, Any], actor: Any
) -> ServiceVersion:
    """Changes a stage of a draft (its code too: the transitions follow).
    Audited as `eservices.workflow.stage_update`."""

    def change(workflow: dict[str, Any]) -> dict[str, Any]:
        index = _stage_index(workflow, stage_code)
        new = copy.deepcopy(stage)
        before = workflow["stages"][index]
        workflow["stages"][index] = new
        new_code = new.get("code")
        if new_code != stage_code:
            for item in workflow["transitions"]:
                for end in ("from", "to"):
                    if item.get(end) == stage_code:
                        item[end] = new_code
        return {"before": before, "stage": new}

    return _edit_workflow(version, actor, "eservices.workflow.stage_update", change)


def workflow_stage_remove(
    *, version: ServiceVersion, stage_code: str, actor: Any
) -> ServiceVersion:
    """Removes a stage of a draft with the transitions from and to it. Audited
    as `eservices.workflow.stage_remove`."""

    def change(workflow: dict[str, Any]) -> dict[str, Any]:
        removed = workflow["stages"].pop(_stage_index(workflow, stage_code))
        kept: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        for item in workflow["transitions"]:
            touches = stage_code in (item.get("from"), item.get("to"))
            (dropped if touches else kept).append(item)
        workflow["transitions"] = kept
        return {"stage": removed, "transitions": dropped}

    return _edit_workflow(version, actor, "eservices.workflow.stage_remove", change)


def workflow_stage_move(
    *, version: ServiceVersion, stage_code: str, direction: str, actor: Any
) -> ServiceVersion:
    """Moves a stage one place up or down (the first is where applications
    arrive). Audited as `eservices.workflow.stage_move`."""

    def change(workflow: dict[str, Any]) -> dict[str, Any]:
        stages = workflow["stages"]
        index = _stage_index(workflow, stage_code)
        target = index - 1 if direction == UP else index + 1
        if 0 <= target < len(stages):
            stages[index], stages[target] = stages[target], stages[index]
        return {"stage": stage_code, "direction": direction}

    return _edit_workflow(version, actor, "eservices.workflow.stage_move", change)


def workflow_transition_add(
    *, version: ServiceVersion, source: str, action: str, target: str, actor: Any
) -> ServiceVersion:
    """Allows `action` at stage `source`, leading to stage `target`. Audited as
    `eservices.workflow.transition_add`."""
    item = {"from": source, "action": action, "to": target}

    def change(workflow: dict[str, Any]) -> dict[str, Any]:
        workflow["transitions"].append(item)
        return {"transition": item}

    return _edit_workflow(version, actor, "eservices.workflow.transition_add", change)


def workflow_transition_remove(
    *, version: ServiceVersion, source: str, action: str, actor: Any
) -> ServiceVersion:
    """Removes the transition for `action` from stage `source`. Audited as
    `eservices.workflow.transition_remove`."""

    def change(workflow: dict[str, Any]) -> dict[str, Any]:
        kept = [
            item
            for item in workflow["transitions"]
            if (item.get("from"), item.get("action")) != (source, action)
        ]
        if len(kept) == len(workflow["transitions"]):
            raise InvalidInput(
                _("There is no such transition."), code="transition-unknown"
            )
        workflow["transitions"] = kept
        return {"transition": {"from": source, "action": action}}

    return _edit_workflow(
        version, actor, "eservices.workflow.transition_remove", change
    )
