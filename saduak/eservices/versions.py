"""Reading a published version's definitions. A published version never
changes, so its parsed workflow is kept per process by version id."""

from collections.abc import Iterable

from saduak.core.memo import ProcessMemo
from saduak.eservices.models import ServiceVersion
from saduak.eservices.workflow import Workflow, workflow_from_definition

_WORKFLOWS = ProcessMemo(seconds=3600, size=500)


def workflow_of(version: ServiceVersion) -> Workflow:
    if not version.is_published:
        return workflow_from_definition(version.workflow)
    return _WORKFLOWS.get_or_set(
        str(version.pk), lambda: workflow_from_definition(version.workflow)
    )


def published_workflows(versions: Iterable[ServiceVersion]) -> dict[int, Workflow]:
    """The workflows of published (or retired) versions by version id. The
    versions may come without their `workflow` column: a page that lists every
    version in use would otherwise read and decode each definition on every
    request; only those not yet kept are read, in one query."""
    found: dict[int, Workflow] = {}
    missing: list[int] = []
    for version in versions:
        workflow = _WORKFLOWS.get(str(version.pk))
        if workflow is None:
            missing.append(version.pk)
        else:
            found[version.pk] = workflow
    if missing:
        for loaded in ServiceVersion.objects.filter(pk__in=missing).only(
            "id", "status", "workflow"
        ):
            found[loaded.pk] = workflow_of(loaded)
    return found
