from django import forms

from saduak.core.errors import DomainError, NotFound, PermissionDeniedError

# The browser's date picker, which reads and writes ISO dates (a localised value
# would leave it empty).
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Shows a service's refusal of the input on the form, on the field it names when
    the form has that field. A refusal of the person (not allowed, not found) is not
    about the input: it goes on to the 403 or 404 page."""
    if isinstance(error, PermissionDeniedError | NotFound):
        raise error
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def posted_id(raw: object) -> int | None:
    """A row id as a request sends it (number or text); None for anything else,
    so a tampered form field is "not found", never a server error."""
    text = str(raw if raw is not None else "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None
