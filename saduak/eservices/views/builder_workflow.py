"""The builder's workflow editor: the stages (who acts, the target in working
days) and the explicit table of allowed transitions. The problems that keep
the workflow from being published are listed at the top."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saduak.accounts.choices import Role
from saduak.accounts.permissions import acting_user
from saduak.core.bilingual import in_language
from saduak.core.errors import DomainError
from saduak.eservices.choices import Action, StageKind
from saduak.eservices.forms_builder import StageForm, TransitionForm
from saduak.eservices.models import ServiceVersion
from saduak.eservices.services import builder
from saduak.eservices.views.builder import (
    builder_required,
    editor_save,
    one_click,
    posted_direction,
    version_context,
    version_get,
)
from saduak.eservices.workflow import KIND_ACTIONS


def _workflow(version: ServiceVersion) -> dict[str, Any]:
    workflow = version.workflow or {}
    return {
        "stages": list(workflow.get("stages") or []),
        "transitions": list(workflow.get("transitions") or []),
    }


def _stage_choices(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            str(stage.get("code")),
            f"{in_language(stage.get('name')) or stage.get('code')} ({stage.get('code')})",
        )
        for stage in workflow["stages"]
    ]


def _label(value: str, choices: type[Any]) -> str:
    return str(choices(value).label) if value in choices.values else value


def _editor(
    request: HttpRequest,
    version: ServiceVersion,
    *,
    new_stage: StageForm | None = None,
    editing: tuple[str, StageForm] | None = None,
    new_transition: TransitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workflow = _workflow(version)
    names = {
        stage.get("code"): in_language(stage.get("name")) or stage.get("code")
        for stage in workflow["stages"]
    }
    stage_choices = _stage_choices(workflow)
    stages = []
    for stage in workflow["stages"]:
        code = stage.get("code")
        bound = editing[1] if editing and editing[0] == code else None
        stages.append(
            {
                "code": code,
                "name": names[code],
                "kind": _label(stage.get("kind", ""), StageKind),
                "roles": [_label(role, Role) for role in stage.get("roles") or []],
                "target_days": stage.get("target_days", 0),
                "actions": [
                    _label(action, Action)
                    for action in sorted(KIND_ACTIONS.get(stage.get("kind", ""), ()))
                ],
                "form": bound
                or StageForm(
                    prefix=f"st-{code}", initial=StageForm.initial_from(stage)
                ),
                "open": bound is not None,
            }
        )
    transitions = [
        {
            **item,
            "from_name": names.get(item.get("from"), item.get("from")),
            "to_name": names.get(item.get("to"), item.get("to")),
            "action_label": _label(item.get("action", ""), Action),
        }
        for item in workflow["transitions"]
    ]
    return render(
        request,
        "eservices/builder/version_workflow.html",
        {
            **version_context(version, "workflow"),
            "stages": stages,
            "transitions": transitions,
            "new_stage": new_stage or StageForm(prefix="new"),
            "new_transition": new_transition
            or TransitionForm(prefix="tr", stages=stage_choices),
            "problems": _problems(version),
        },
        status=status,
    )


def _problems(version: ServiceVersion) -> list[str]:
    try:
        builder.workflow_check(version.workflow, complete=True)
    except DomainError as error:
        return [str(error.message)]
    return []


@builder_required
def workflow_editor(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return _editor(request, version_get(code, number))


@builder_required
@require_POST
def stage_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get(code, number)
    form = StageForm(request.POST, prefix="new")
    saved = editor_save(
        request,
        version,
        "workflow",
        form,
        _("The stage is added."),
        lambda: builder.workflow_stage_add(
            version=version, stage=form.stage(), actor=acting_user(request)
        ),
    )
    return saved or _editor(request, version, new_stage=form, status=400)


@builder_required
@require_POST
def stage_update(
    request: HttpRequest, code: str, number: int, stage_code: str
) -> HttpResponse:
    version = version_get(code, number)
    form = StageForm(request.POST, prefix=f"st-{stage_code}")
    saved = editor_save(
        request,
        version,
        "workflow",
        form,
        _("The stage is saved."),
        lambda: builder.workflow_stage_update(
            version=version,
            stage_code=stage_code,
            stage=form.stage(),
            actor=acting_user(request),
        ),
    )
    return saved or _editor(request, version, editing=(stage_code, form), status=400)


@builder_required
@require_POST
def stage_move(
    request: HttpRequest, code: str, number: int, stage_code: str
) -> HttpResponse:
    direction = posted_direction(request)
    return one_click(
        request,
        version_get(code, number),
        "workflow",
        _("The stage is moved."),
        lambda **kwargs: builder.workflow_stage_move(
            stage_code=stage_code, direction=direction, **kwargs
        ),
    )


@builder_required
@require_POST
def stage_remove(
    request: HttpRequest, code: str, number: int, stage_code: str
) -> HttpResponse:
    return one_click(
        request,
        version_get(code, number),
        "workflow",
        _("The stage and its transitions are removed."),
        lambda **kwargs: builder.workflow_stage_remove(stage_code=stage_code, **kwargs),
    )


@builder_required
@require_POST
def transition_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get(code, number)
    form = TransitionForm(
        request.POST, prefix="tr", stages=_stage_choices(_workflow(version))
    )
    saved = editor_save(
        request,
        version,
        "workflow",
        form,
        _("The transition is added."),
        lambda: builder.workflow_transition_add(
            version=version,
            source=form.cleaned_data["source"],
            action=form.cleaned_data["action"],
            target=form.cleaned_data["target"],
            actor=acting_user(request),
        ),
    )
    return saved or _editor(request, version, new_transition=form, status=400)


@builder_required
@require_POST
def transition_remove(request: HttpRequest, code: str, number: int) -> HttpResponse:
    source, action = request.POST.get("source", ""), request.POST.get("action", "")
    return one_click(
        request,
        version_get(code, number),
        "workflow",
        _("The transition is removed."),
        lambda **kwargs: builder.workflow_transition_remove(
            source=source, action=action, **kwargs
        ),
    )
