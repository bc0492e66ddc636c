from django import forms

from saduak.core.errors import DomainError, NotFound, PermissionDeniedError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Shows a service's refusal of the input on the form, on the field it names when
    the form has that field. A refusal of the person (not allowed, not found) is not
    about the input: it goes on to the 403 or 404 page."""
    if isinstance(error, PermissionDeniedError | NotFound):
        raise error
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
