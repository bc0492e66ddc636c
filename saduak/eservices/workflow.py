"""A service's workflow: stages, the roles that act in each, a target in working
days, and the explicit table of allowed transitions. A version's `workflow` JSON
is parsed into a `Workflow`; `workflow_from_definition` refuses a definition that
could strand an application (a stage nobody can leave, an unreachable stage, a
transition to nowhere)."""

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action as MatrixAction
from saduak.accounts.matrix import allowed_roles
from saduak.core.bilingual import clean_text, in_language
from saduak.core.errors import InvalidInput
from saduak.eservices.choices import Action, StageKind

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Roles a stage may name: the matrix's ceiling for the actions a workflow
# names (never the builder, never the auditor).
STAGE_ROLES = allowed_roles(MatrixAction.APPLICATION_ACT)
# What each kind of stage may do besides forward/return/reject.
KIND_ACTIONS: dict[str, frozenset[str]] = {
    StageKind.INTAKE: frozenset({Action.FORWARD, Action.RETURN, Action.REJECT}),
    StageKind.REVIEW: frozenset(
        {Action.FORWARD, Action.RETURN, Action.REJECT, Action.APPROVE}
    ),
    StageKind.FACT_CHECK: frozenset({Action.FORWARD, Action.RETURN, Action.REJECT}),
    StageKind.COMMITTEE: frozenset({Action.APPROVE, Action.REJECT, Action.RETURN}),
    # A failed transfer (a wrong account) goes back to the applicant.
    StageKind.PAYMENT: frozenset({Action.PAY, Action.RETURN}),
    StageKind.END: frozenset(),
}


@dataclass(frozen=True)
class Stage:
    code: str
    kind: str
    name: dict[str, str]
    roles: tuple[str, ...]
    target_days: int

    @property
    def label(self) -> str:
        return in_language(self.name)

    @property
    def is_end(self) -> bool:
        return self.kind == StageKind.END


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str


@dataclass(frozen=True)
class Workflow:
    stages: tuple[Stage, ...]
    transitions: tuple[Transition, ...]

    @cached_property
    def by_code(self) -> dict[str, Stage]:
        return {stage.code: stage for stage in self.stages}

    @property
    def first(self) -> Stage:
        return self.stages[0]

    @property
    def pays(self) -> bool:
        """Whether approving carries an amount to be paid."""
        return any(stage.kind == StageKind.PAYMENT for stage in self.stages)

    def stage(self, code: str) -> Stage:
        return self.by_code[code]

    def actions_from(self, code: str) -> list[Transition]:
        return [item for item in self.transitions if item.source == code]

    def transition(self, code: str, action: str) -> Transition:
        """The transition for `action` from stage `code`, or InvalidInput saying
        what is possible there instead."""
        for item in self.transitions:
            if item.source == code and item.action == action:
                return item
        stage = self.by_code.get(code)
        possible = ", ".join(
            str(Action(item.action).label) for item in self.actions_from(code)
        )
        raise InvalidInput(
            _(
                "“%(action)s” is not possible at the stage “%(stage)s”. "
                "Possible here: %(possible)s."
            )
            % {
                "action": _action_label(action),
                "stage": stage.label if stage else code,
                "possible": possible or _("nothing, the application is closed"),
            },
            code="transition-not-allowed",
        )

    def as_definition(self) -> dict[str, Any]:
        return {
            "stages": [
                {
                    "code": stage.code,
                    "kind": stage.kind,
                    "name": stage.name,
                    "roles": list(stage.roles),
                    "target_days": stage.target_days,
                }
                for stage in self.stages
            ],
            "transitions": [
                {"from": item.source, "action": item.action, "to": item.target}
                for item in self.transitions
            ],
        }


def _stage(raw: Any, position: int) -> Stage:
    where = _("Stage %(number)s") % {"number": position}
    if not isinstance(raw, dict):
        raise InvalidInput(_("%(where)s is not a stage.") % {"where": where})
    code = str(raw.get("code") or "").strip()
    if not CODE.match(code):
        raise InvalidInput(
            _(
                "%(where)s: the code must start with a small letter and use only "
                "small letters, digits and _ (at most 40)."
            )
            % {"where": where}
        )
    kind = str(raw.get("kind") or "")
    if kind not in StageKind.values:
        raise InvalidInput(
            _("%(where)s: choose what kind of stage it is.") % {"where": where}
        )
    roles = tuple(dict.fromkeys(str(role) for role in raw.get("roles") or []))
    if kind != StageKind.END and not roles:
        raise InvalidInput(
            _("%(where)s: name at least one role that acts in it.") % {"where": where}
        )
    unknown = [role for role in roles if role not in STAGE_ROLES]
    if unknown:
        raise InvalidInput(
            _("%(where)s: unknown role %(role)s.")
            % {"where": where, "role": unknown[0]}
        )
    try:
        target_days = int(raw.get("target_days") or 0)
    except (TypeError, ValueError):
        target_days = -1
    if not 0 <= target_days <= 365:
        raise InvalidInput(
            _("%(where)s: the target is a number of working days from 0 to 365.")
            % {"where": where}
        )
    name = clean_text(raw.get("name"), where=where)
    return Stage(code, kind, name, roles, target_days)


def _action_label(action: str) -> str:
    return str(Action(action).label) if action in Action.values else action


def _transition(raw: Any, by_code: dict[str, Stage]) -> Transition:
    if not isinstance(raw, dict):
        raise InvalidInput(_("A transition is not valid."), code="workflow-invalid")
    item = Transition(
        str(raw.get("from") or ""),
        str(raw.get("action") or ""),
        str(raw.get("to") or ""),
    )
    if item.source not in by_code or item.target not in by_code:
        raise InvalidInput(
            _("A transition names a stage that does not exist: %(stage)s.")
            % {"stage": item.source if item.source not in by_code else item.target},
            code="workflow-invalid",
        )
    source = by_code[item.source]
    if item.action not in KIND_ACTIONS[source.kind]:
        raise InvalidInput(
            _("“%(action)s” is not an action of the stage “%(stage)s”.")
            % {"action": _action_label(item.action), "stage": source.label},
            code="workflow-invalid",
        )
    if item.action == Action.RETURN and item.target != item.source:
        raise InvalidInput(
            _("Returning to the applicant comes back to the same stage."),
            code="workflow-invalid",
        )
    return item


def workflow_parts(definition: Any) -> Workflow:
    """Each stage and transition checked on its own (codes, kinds, roles,
    targets, transitions that name stages and suit their kind, one per action),
    without the checks of the whole: what a draft being edited must satisfy."""
    if definition in (None, {}):
        definition = {"stages": [], "transitions": []}
    if not isinstance(definition, dict):
        raise InvalidInput(_("The workflow is missing."), code="workflow-invalid")
    stages = [
        _stage(raw, position)
        for position, raw in enumerate(definition.get("stages") or [], start=1)
    ]
    codes = [stage.code for stage in stages]
    if len(set(codes)) != len(codes):
        raise InvalidInput(_("Two stages have the same code."), code="workflow-invalid")
    by_code = {stage.code: stage for stage in stages}
    transitions: list[Transition] = []
    seen: set[tuple[str, str]] = set()
    for raw in definition.get("transitions") or []:
        item = _transition(raw, by_code)
        if (item.source, item.action) in seen:
            raise InvalidInput(
                _("The stage “%(stage)s” has two transitions for one action.")
                % {"stage": by_code[item.source].label},
                code="workflow-invalid",
            )
        seen.add((item.source, item.action))
        transitions.append(item)
    return Workflow(tuple(stages), tuple(transitions))


def workflow_from_definition(definition: Any) -> Workflow:
    """Parses and checks a whole workflow definition, as publishing and every
    application need it; InvalidInput says what is wrong."""
    if not isinstance(definition, dict):
        raise InvalidInput(_("The workflow is missing."), code="workflow-invalid")
    workflow = workflow_parts(definition)
    if len(workflow.stages) < 2:
        raise InvalidInput(
            _("A workflow needs at least a first stage and a closing stage."),
            code="workflow-invalid",
        )
    if workflow.first.kind != StageKind.INTAKE:
        raise InvalidInput(
            _("The first stage must be an intake stage."), code="workflow-invalid"
        )
    _check_paths(workflow)
    return workflow


def _check_paths(workflow: Workflow) -> None:
    reached = {workflow.first.code}
    frontier = [workflow.first.code]
    while frontier:
        code = frontier.pop()
        for item in workflow.actions_from(code):
            if item.target not in reached:
                reached.add(item.target)
                frontier.append(item.target)
    for stage in workflow.stages:
        if stage.code not in reached:
            raise InvalidInput(
                _("No transition leads to the stage “%(stage)s”.")
                % {"stage": stage.label},
                code="workflow-invalid",
            )
        leaves = [
            item
            for item in workflow.actions_from(stage.code)
            if item.target != stage.code
        ]
        if stage.is_end and workflow.actions_from(stage.code):
            raise InvalidInput(
                _("A closing stage cannot have transitions."), code="workflow-invalid"
            )
        if not stage.is_end and not leaves:
            raise InvalidInput(
                _("The stage “%(stage)s” has no way out.") % {"stage": stage.label},
                code="workflow-invalid",
            )
    if not any(stage.is_end for stage in workflow.stages):
        raise InvalidInput(
            _("A workflow needs a closing stage."), code="workflow-invalid"
        )
