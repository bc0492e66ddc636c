from typing import Any

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name, cleaned to a list (empty when none).
    `accept` tells the phone's picker what to offer; what the files are, and
    how many, is checked by the service that stores them."""

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        attrs = {"accept": accept} if accept else {}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
