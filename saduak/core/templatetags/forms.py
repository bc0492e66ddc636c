from django import template
from django.utils.safestring import SafeString

from saduak.core.idempotency import idempotency_field as hidden_key

register = template.Library()


@register.simple_tag
def idempotency_field() -> SafeString:
    """A hidden Idempotency-Key for a form whose POST creates something: sent
    twice (a double tap, a reload), it is carried out once."""
    return hidden_key()
