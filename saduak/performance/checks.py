"""System check: the letter emblem (PERFORMANCE_LETTER_EMBLEM) must be a
readable SVG, PNG or JPEG file; otherwise every directive's letter would fail
when printed, and nothing would say why until someone asked for one."""

from typing import Any

from django.core.checks import Error, register

from saduak.performance.letters.emblem import emblem_problem


@register()
def letter_emblem_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problem = emblem_problem()
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Set PERFORMANCE_LETTER_EMBLEM to the path of the emblem image, "
            "or unset it to print the plain emblem shipped in "
            "static/img/letter-emblem.svg.",
            id="performance.E001",
        )
    ]
