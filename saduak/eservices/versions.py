"""Reading a published version's definitions. A published version never
changes, so its parsed workflow is kept per process by version id."""

from saduak.core.memo import ProcessMemo
from saduak.eservices.models import ServiceVersion
from saduak.eservices.workflow import Workflow, workflow_from_definition

_WORKFLOWS = ProcessMemo(seconds=3600, size=500)


def workflow_of(version: ServiceVersion) -> Workflow:
    if not version.is_published:
        return workflow_from_definition(version.workflow)
    key = str(version.pk)
    workflow = _WORKFLOWS.get(key)
    if workflow is None:
        workflow = workflow_from_definition(version.workflow)
        _WORKFLOWS.set(key, workflow)
    return workflow
