"""Forms of the directive pages: the directive (letter, request and where it
goes), an attachment, HQ's decision on a province's consolidated report,
and the letterhead. They parse what was typed; services/directives.py and
services/collection.py decide what is allowed."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saduak.areas.choices import DISTRICT_LEVEL_KINDS
from saduak.areas.models import Office
from saduak.core.forms import DATE_INPUT
from saduak.performance.choices import (
    Confidentiality,
    LetterKind,
    RequestRoute,
    Urgency,
)
from saduak.performance.services.directives import (
    ADDRESSEE_LIMIT,
    ATTACHMENT_ACCEPT,
    BODY_LIMIT,
    SHORT_TEXT_LIMIT,
)

CODE_SEPARATORS = re.compile(r"[\s,;]+")
CODES_LIMIT = 2_000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def office_codes(text: str) -> list[str]:
    """The office codes in `text`, separated by spaces, commas, semicolons
    or new lines, lower-cased, each once, in the order typed."""
    seen: dict[str, None] = {}
    for code in CODE_SEPARATORS.split(text or ""):
        if code:
            seen.setdefault(code.strip().lower(), None)
    return list(seen)


class DirectiveForm(forms.Form):
    """A draft directive. `signers` are (pk, label) of the issuing office's
    staff; `pickable` the offices a province may tick (None for HQ, which
    types codes)."""

    title_th = forms.CharField(label=_("Subject (เรื่อง)"), max_length=300)
    title_en = forms.CharField(
        label=_("Subject in English"),
        max_length=300,
        required=False,
        help_text=_("Shown on English pages; the letter prints the Thai subject."),
    )
    letter_kind = forms.ChoiceField(
        label=pgettext_lazy("directives", "Kind of letter"),
        choices=LetterKind.choices,
        widget=forms.RadioSelect,
        initial=LetterKind.EXTERNAL,
    )
    number = forms.CharField(
        label=_("Number"),
        max_length=20,
        required=False,
        help_text=_(
            "Leave empty to take the next number of the office's register when"
            " it is sent; type one only for a number given from another register."
        ),
    )
    letter_date = forms.DateField(
        label=_("Date of the letter"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: the day it is sent."),
    )
    urgency = forms.ChoiceField(
        label=pgettext_lazy("directives", "Urgency"),
        choices=Urgency.choices,
        required=False,
    )
    confidentiality = forms.ChoiceField(
        label=pgettext_lazy("directives", "Confidentiality"),
        choices=Confidentiality.choices,
        required=False,
    )
    addressee = forms.CharField(
        label=_("To (เรียน)"),
        max_length=ADDRESSEE_LIMIT,
        help_text=_("E.g. ผู้ว่าราชการจังหวัด ทุกจังหวัด."),
    )
    reference = forms.CharField(
        label=_("Reference (อ้างถึง)"),
        max_length=SHORT_TEXT_LIMIT,
        required=False,
        widget=_textarea(2),
    )
    enclosures = forms.CharField(
        label=_("Enclosures (สิ่งที่ส่งมาด้วย)"),
        max_length=SHORT_TEXT_LIMIT,
        required=False,
        widget=_textarea(2),
    )
    body = forms.CharField(
        label=pgettext_lazy("directives", "Body"),
        max_length=BODY_LIMIT,
        widget=_textarea(10),
        help_text=_(
            "Leave an empty line between paragraphs; the letter indents each one."
        ),
    )
    instructions = forms.CharField(
        label=_("What to report"),
        max_length=SHORT_TEXT_LIMIT,
        required=False,
        widget=_textarea(3),
        help_text=_("Shown to the offices above the report form."),
    )
    signer = forms.ChoiceField(
        label=pgettext_lazy("directives", "Signed by"), required=False
    )
    thai_digits = forms.BooleanField(
        label=_("Print the letter in Thai digits"), required=False, initial=True
    )
    due_on = forms.DateField(label=_("Deadline for the reports"), widget=DATE_INPUT)
    closes_on = forms.DateField(
        label=_("Last day for late reports"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: late reports are taken until you close the directive."),
    )
    route = forms.ChoiceField(
        label=pgettext_lazy("directives", "Route"),
        widget=forms.RadioSelect,
        initial=RequestRoute.THROUGH_PROVINCES,
    )
    office_codes = forms.CharField(
        label=_("Office codes"),
        max_length=CODES_LIMIT * 40,
        required=False,
        widget=_textarea(3),
        help_text=_(
            "For a directive sent directly: the offices' codes (e.g. reg-5001),"
            " separated by spaces, commas or new lines."
        ),
    )
    picked = forms.MultipleChoiceField(
        label=_("Or tick the offices"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        signers: list[tuple[str, str]],
        pickable: list[Office] | None,
        province: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer"].choices = [  # type: ignore[attr-defined]
            ("", pgettext_lazy("signer", "Not chosen yet")),
            *signers,
        ]
        routes: list[tuple[str, Any]]
        if province:
            routes = [
                (
                    RequestRoute.THROUGH_PROVINCES,
                    _("To every district office of the province"),
                ),
                (RequestRoute.DIRECT, _("Directly to the offices named")),
            ]
        else:
            routes = list(RequestRoute.choices)
        self.fields["route"].choices = routes  # type: ignore[attr-defined]
        self.pickable = {office.code: office for office in pickable or []}
        if pickable:
            self.fields["picked"].choices = [  # type: ignore[attr-defined]
                (office.code, f"{office.name} ({office.code})") for office in pickable
            ]
        else:
            del self.fields["picked"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = office_codes(data.get("office_codes") or "")
        if len(codes) > CODES_LIMIT:
            self.add_error(
                "office_codes",
                _("At most %(count)s offices.") % {"count": CODES_LIMIT},
            )
            return data
        codes += [code for code in data.get("picked") or [] if code not in codes]
        found = {
            office.code: office
            for office in Office.objects.filter(
                code__in=codes, kind__in=DISTRICT_LEVEL_KINDS
            )
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.add_error(
                "office_codes",
                _("No district-level office has these codes: %(codes)s.")
                % {"codes": ", ".join(unknown[:20])},
            )
        direct = data.get("route") == RequestRoute.DIRECT
        data["offices"] = (
            [found[code] for code in codes if code in found] if direct else []
        )
        return data

    def signer_pk(self) -> int | None:
        value = self.cleaned_data.get("signer") or ""
        return int(value) if str(value).isdigit() else None


class AttachmentForm(forms.Form):
    upload = forms.FileField(
        label=_("File (PDF or photo, up to 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    description = forms.CharField(label=_("What it is"), max_length=300, required=False)


class LegDecisionForm(forms.Form):
    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("Accept the province's report")),
            (RETURN, _("Return it to the province with a comment")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=SHORT_TEXT_LIMIT,
        required=False,
        widget=_textarea(4),
        help_text=_("Required when you return the report: say what to correct."),
    )


class LetterheadForm(forms.Form):
    book_code = forms.CharField(
        label=_("Book code"),
        max_length=40,
        help_text=_(
            "The letters and number before each letter's number, e.g. มท 0309.2."
        ),
    )
    issuer_name = forms.CharField(label=_("Issuing organisation"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=1000, widget=_textarea(3))
    owner_unit = forms.CharField(
        label=_("Unit that owns the matter"),
        max_length=200,
        help_text=_("Printed at the bottom left, e.g. กองวิชาการและแผนงาน."),
    )
    phone = forms.CharField(label=_("Telephone"), max_length=60, required=False)
    fax = forms.CharField(
        label=pgettext_lazy("directives", "Fax"), max_length=60, required=False
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
