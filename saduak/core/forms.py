from django import forms

from saduak.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Shows a service's refusal on the form, on the field it names when the form has
    that field."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
