"""No two schemas of the API share an OpenAPI component name.

django-ninja names a component by its class's name and, when two operations bring
two different classes of the same name, keeps the last one silently: the published
schema then describes one of them wrongly, and clients generated from it read or
send the wrong fields. This walks every operation's input and output models the
way ninja does and fails naming each component name that two classes claim."""

import enum
import typing
from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from config.api import api


def _named_types(annotation: Any) -> typing.Iterator[type]:
    """The classes inside a field's annotation (list[X], X | None, dict[str, X]...)
    that pydantic publishes under their own name: models and enums."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _named_types(argument)


def _walk(model: type[BaseModel], claimed: dict[str, set[type]]) -> None:
    for field in model.model_fields.values():
        for found in _named_types(field.annotation):
            if found in claimed[found.__name__]:
                continue
            claimed[found.__name__].add(found)
            if issubclass(found, BaseModel):
                _walk(found, claimed)


def _component_classes() -> dict[str, set[type]]:
    """Each component name, with the classes that claim it. ninja's own models
    for an operation's parameters and response are wrappers flattened away, so
    the walk starts at their fields."""
    claimed: dict[str, set[type]] = defaultdict(set)
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = list(operation.models) + [
                    model
                    for model in operation.response_models.values()
                    if isinstance(model, type) and issubclass(model, BaseModel)
                ]
                for wrapper in wrappers:
                    _walk(wrapper, claimed)
    return claimed


def test_the_component_walk_sees_the_api_schemas():
    claimed = _component_classes()
    published = set(api.get_openapi_schema()["components"]["schemas"])
    assert published <= set(claimed), published - set(claimed)


def test_no_two_api_schemas_share_a_component_name():
    shared = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in _component_classes().items()
        if len(classes) > 1
    }
    assert not shared, "\n".join(
        f"{name}: {', '.join(c)}" for name, c in shared.items()
    )
