"""System check: production must not run without the audit checkpoint key (the
sequencer would refuse to seal, and nothing would say so until events piled up)."""

from typing import Any

from django.core.checks import Error, register

from saduak.audit.keys import key_problems


@register()
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [Error(problem, id="audit.E001") for problem in key_problems()]
