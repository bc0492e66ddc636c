"""The notification templates the platform can send. Each key names a folder of
Django templates, `notifications/<key>/{subject,body,sms}.txt`, whose text goes through
gettext, so one template serves Thai and English. Apps add their own with
`register_template` and ship the folder in their own `templates/notifications/`."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.core.errors import InvalidInput
from saduak.notifications.choices import NotificationChannel


@dataclass(frozen=True)
class NotificationTemplate:
    key: str
    description: str | Promise
    required_context: tuple[str, ...] = ()

    def template_name(self, part: str) -> str:
        return f"notifications/{self.key}/{part}"


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


_REGISTRY: dict[str, NotificationTemplate] = {}


def register_template(
    key: str, *, description: str | Promise, required_context: tuple[str, ...] = ()
) -> NotificationTemplate:
    """Makes a template key known. Registering the same key twice is a mistake."""
    if key in _REGISTRY:
        raise ValueError(f"Notification template {key!r} is already registered.")
    template = NotificationTemplate(key, description, tuple(required_context))
    _REGISTRY[key] = template
    return template


def registered_templates() -> list[NotificationTemplate]:
    return sorted(_REGISTRY.values(), key=lambda template: template.key)


def get_template(key: str) -> NotificationTemplate:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise InvalidInput(
            _("There is no notification template called “%(key)s”.") % {"key": key},
            code="unknown-template",
            field="template_key",
        ) from None


def check_language(language: str) -> str:
    offered = {code for code, _name in settings.LANGUAGES}
    if language not in offered:
        raise InvalidInput(
            _("Notifications are not written in “%(language)s”. Choose th or en.")
            % {"language": language},
            code="unknown-language",
            field="language",
        )
    return language


def _check_context(template: NotificationTemplate, context: Any) -> None:
    if not isinstance(context, Mapping):
        raise InvalidInput(
            _("The context of a notification must be a mapping of names to values."),
            code="invalid-context",
            field="context",
        )
    missing = [
        name for name in template.required_context if context.get(name) in (None, "")
    ]
    if missing:
        raise InvalidInput(
            _("The “%(key)s” notification needs a value for: %(names)s.")
            % {"key": template.key, "names": ", ".join(missing)},
            code="missing-context",
            field="context",
        )
    try:
        json.dumps(context, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("The context of a notification may hold only text, numbers and dates."),
            code="invalid-context",
            field="context",
        ) from None


def check_request(
    *, template_key: str, language: str, context: Mapping[str, Any]
) -> NotificationTemplate:
    """The template, once the key, the language and the context are known to be
    good; InvalidInput saying which is wrong otherwise."""
    template = get_template(template_key)
    check_language(language)
    _check_context(template, context)
    return template


def render_message(
    *, template_key: str, channel: str, language: str, context: Mapping[str, Any]
) -> RenderedMessage:
    """The subject and body of one notification in `language`. SMS uses the short
    `sms.txt`; e-mail and LINE use `body.txt`. Raises InvalidInput for an unknown
    key or language, or for a context without the template's required values."""
    template = check_request(
        template_key=template_key, language=language, context=context
    )
    part = "sms.txt" if channel == NotificationChannel.SMS else "body.txt"
    with translation.override(language):
        subject = render_to_string(template.template_name("subject.txt"), context)
        body = render_to_string(template.template_name(part), context)
    # A subject is one line: e-mail refuses line breaks in headers.
    return RenderedMessage(subject=" ".join(subject.split()), body=body.strip())


register_template(
    "account.welcome",
    description=gettext_lazy("Sent when a person's account is opened."),
    required_context=("first_name",),
)
register_template(
    "generic.message",
    description=gettext_lazy("A message written by staff: subject and body given."),
    required_context=("subject", "body"),
)
