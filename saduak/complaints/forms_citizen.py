"""The citizen's complaint forms: filing (on the web and in LINE), and the
actions on one's own complaint (rate, reopen, withdraw). The forms read and
check what was typed; the services decide (docs/complaints.md)."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import District, Province, Subdistrict
from saduak.complaints.choices import AttributeDatatype
from saduak.complaints.models import (
    DESCRIPTION_MAX_LENGTH,
    CategoryAttribute,
    ComplaintCategory,
)
from saduak.complaints.selectors.categories import (
    complaint_category_get,
    complaint_category_groups,
)
from saduak.complaints.services.documents import ACCEPTED_FILES
from saduak.core.errors import InvalidInput, NotFound
from saduak.core.forms import DATE_INPUT, MultipleFileField
from saduak.core.models import in_current_language
from saduak.notifications.addresses import clean_address
from saduak.notifications.choices import NotificationChannel

# Mirrors the uploads' limits (docs/complaints-documents.md): shown to the
# citizen and in the file picker; the attachment service checks them.
COMMENT_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 2000
QUESTION_PREFIX = "q_"


def category_choices() -> list[tuple[str, Any]]:
    """The categories grouped under their group's name (an <optgroup> each),
    groups without an active category left out."""
    choices: list[tuple[str, Any]] = [("", _("Choose what it is about"))]
    for group in complaint_category_groups():
        leaves: list[ComplaintCategory] = group.leaves  # type: ignore[attr-defined]
        if leaves:
            choices.append((group.name, [(leaf.code, leaf.name) for leaf in leaves]))
    return choices


def category_by_code(code: str) -> ComplaintCategory | None:
    code = (code or "").strip()[:40]
    if not code:
        return None
    try:
        return complaint_category_get(code=code)
    except NotFound:
        return None


def _values(attribute: CategoryAttribute) -> list[tuple[str, str]]:
    rows = attribute.values if isinstance(attribute.values, list) else []
    return [
        (
            str(row.get("key", "")),
            in_current_language(
                str(row.get("name_th", "")), str(row.get("name_en", ""))
            ),
        )
        for row in rows
        if isinstance(row, dict) and row.get("key")
    ]


def question_field(attribute: CategoryAttribute) -> forms.Field:
    """The form field that asks one of a category's questions (Open311's
    attribute), by its datatype."""
    hint = in_current_language(
        attribute.datatype_description_th, attribute.datatype_description_en
    )
    common: dict[str, Any] = {
        "label": attribute.description,
        "required": attribute.required,
        "help_text": hint,
    }
    datatype = attribute.datatype
    if datatype == AttributeDatatype.NUMBER:
        return forms.DecimalField(
            max_digits=15,
            decimal_places=4,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if datatype == AttributeDatatype.DATETIME:
        return forms.DateTimeField(
            widget=forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            **common,
        )
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        return forms.ChoiceField(
            choices=_values(attribute), widget=forms.RadioSelect, **common
        )
    if datatype == AttributeDatatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            choices=_values(attribute), widget=forms.CheckboxSelectMultiple, **common
        )
    if datatype == AttributeDatatype.TEXT:
        return forms.CharField(
            max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    return forms.CharField(max_length=300, **common)


def _answer(value: Any) -> Any:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


def _area_code(raw: Any, length: int) -> str:
    text = str(raw or "").strip()
    return text if text.isascii() and text.isdigit() and len(text) == length else ""


class ComplaintForm(forms.Form):
    """What a citizen files. `contact` says who is filing: "user" (signed in:
    no contact fields), "phone" (on the web without signing in: a mobile
    number is required) or "line" (in LINE: the LINE account reaches them)."""

    category = forms.ChoiceField(
        label=_("What is it about?"),
        error_messages={
            "required": _("Choose what your complaint is about."),
            "invalid_choice": _("Choose what your complaint is about from the list."),
        },
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Say what the problem is, who or what it concerns and what you would "
            "like done. At most 4,000 characters."
        ),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={
            "required": _("Write what happened."),
            "max_length": _(
                "Write at most 4,000 characters: your text has %(show_value)d."
            ),
        },
    )
    province = forms.CharField(label=_("Province"), required=False, max_length=2)
    district = forms.CharField(label=_("District"), required=False, max_length=4)
    subdistrict = forms.CharField(label=_("Subdistrict"), required=False, max_length=6)
    latitude = forms.CharField(
        label=_("Latitude, in degrees"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Longitude, in degrees"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address or place"),
        help_text=_("A house number, road, village, or a landmark nearby."),
        required=False,
        max_length=300,
    )
    happened_on = forms.DateField(
        label=_("When did it happen? (optional)"),
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter the date as a day, month and year.")},
    )
    documents = MultipleFileField(
        accept=ACCEPTED_FILES,
        label=_("Photos and documents (optional)"),
        help_text=_(
            "Up to 5 files: photos (JPEG, PNG, WebP) or PDF, 10 MB each at most."
        ),
        required=False,
    )
    show_name = forms.BooleanField(
        label=_("The agency I complain about may see my name"),
        help_text=_(
            "Off by default: the Damrongdham center sees who you are, but does not "
            "pass your name on to the agency your complaint is about. Turn it on if "
            "they need your name to help you (a permit you applied for, a bill)."
        ),
        required=False,
    )
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    contact_phone = forms.CharField(
        label=_("Your mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}
        ),
    )
    contact_email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email"}),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        *,
        contact: str = "phone",
        category_code: str = "",
    ) -> None:
        super().__init__(data, files)
        self.contact = contact
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)
        category_field.choices = category_choices()
        if contact == "user":
            for name in ("contact_name", "contact_phone", "contact_email"):
                del self.fields[name]
        else:
            self.fields["contact_name"].help_text = _(
                "So that the officer knows how to address you. You may leave it out."
            )
            self.fields["contact_phone"].required = contact == "phone"
            self.fields["contact_phone"].help_text = (
                _("We send the reference and every answer by SMS to this number.")
                if contact == "phone"
                else _("Optional: the answers come to you in LINE.")
            )
            self.fields["contact_phone"].error_messages["required"] = _(
                "Enter a mobile number: it is how we tell you about your complaint."
            )
            if contact == "line":
                self.fields["contact_phone"].label = _("Your mobile number (optional)")
        chosen = data.get("category", "") if data is not None else category_code
        self.chosen_category = category_by_code(str(chosen or ""))
        self.question_names: list[tuple[str, str]] = []
        if self.chosen_category is not None:
            for attribute in self.chosen_category.attributes.all():  # prefetched
                name = QUESTION_PREFIX + attribute.code
                self.fields[name] = question_field(attribute)
                self.question_names.append((name, attribute.code))

    # --- the parts -------------------------------------------------------------

    def category_groups(self) -> list[tuple[str, Any]]:
        return list(self.fields["category"].choices)[1:]  # type: ignore[attr-defined]

    def questions(self) -> list[forms.BoundField]:
        return [self[name] for name, _code in self.question_names]

    def clean_category(self) -> ComplaintCategory:
        category = category_by_code(self.cleaned_data["category"])
        if category is None:
            raise forms.ValidationError(
                _("Choose what your complaint is about from the list.")
            )
        return category

    def clean_happened_on(self) -> date | None:
        day = self.cleaned_data["happened_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(
                _("The day it happened cannot be in the future.")
            )
        return day

    def _coordinate(self, name: str) -> Decimal | None:
        text = self.cleaned_data.get(name, "").strip().replace(",", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Enter a number of degrees, such as 13.7563.")
            ) from None
        if not value.is_finite():
            raise forms.ValidationError(
                _("Enter a number of degrees, such as 13.7563.")
            )
        return value.quantize(Decimal("0.000001"))

    def clean_latitude(self) -> Decimal | None:
        return self._coordinate("latitude")

    def clean_longitude(self) -> Decimal | None:
        return self._coordinate("longitude")

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if not phone:
            return ""
        try:
            return clean_address(channel=NotificationChannel.SMS, address=phone)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None

    def clean_contact_email(self) -> str:
        email = self.cleaned_data.get("contact_email", "").strip()
        if not email:
            return ""
        try:
            return clean_address(channel=NotificationChannel.EMAIL, address=email)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_areas(data)
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Give both the latitude and the longitude, or neither."),
            )
        return data

    def _clean_areas(self, data: dict[str, Any]) -> None:
        """The codes chosen, as areas: a subdistrict names its district and
        province; a district chosen must be in the province chosen."""
        province_code = _area_code(data.get("province"), 2)
        district_code = _area_code(data.get("district"), 4)
        subdistrict_code = _area_code(data.get("subdistrict"), 6)
        data["province"] = data["district"] = data["subdistrict"] = None
        for name, code in (
            ("province", province_code),
            ("district", district_code),
            ("subdistrict", subdistrict_code),
        ):
            if self.data.get(name) and not code:
                self.add_error(name, _("Choose it from the list."))
        subdistrict = (
            Subdistrict.objects.filter(code=subdistrict_code, is_active=True)
            .select_related("district__province")
            .first()
            if subdistrict_code
            else None
        )
        district = (
            District.objects.filter(code=district_code, is_active=True)
            .select_related("province")
            .first()
            if district_code
            else None
        )
        province = (
            Province.objects.filter(code=province_code, is_active=True).first()
            if province_code
            else None
        )
        if subdistrict_code and subdistrict is None:
            self.add_error("subdistrict", _("Choose the subdistrict from the list."))
        if district_code and district is None:
            self.add_error("district", _("Choose the district from the list."))
        if subdistrict is not None:
            if district is not None and subdistrict.district_id != district.pk:
                self.add_error(
                    "subdistrict",
                    _("This subdistrict is not in the district you chose."),
                )
                return
            district = subdistrict.district
        if (
            district is not None
            and province is not None
            and district.province_id != province.pk
        ):
            self.add_error(
                "district", _("This district is not in the province you chose.")
            )
            return
        if district is None and not (
            self.has_error("district") or self.has_error("subdistrict")
        ):
            # A point or an address alone cannot be routed (we have no
            # polygons): the district is always asked.
            self.add_error(
                "district",
                _(
                    "Choose the district where it happened: your complaint goes "
                    "to that district's Damrongdham center."
                ),
            )
        data["subdistrict"] = subdistrict
        data["district"] = district
        data["province"] = province or (district.province if district else None)

    # --- what the service gets ---------------------------------------------------

    def attribute_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name, code in self.question_names:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            answers[code] = _answer(value)
        return answers

    def uploads(self) -> list[Any]:
        return list(self.cleaned_data.get("documents") or [])


def area_rows(
    province_code: str, district_code: str
) -> tuple[Iterable[Province], Iterable[District], Iterable[Subdistrict]]:
    """The lists of the three pickers, for what is chosen so far."""
    provinces = Province.objects.filter(is_active=True).order_by("name_th")
    districts: Iterable[District] = (
        District.objects.filter(province_id=province_code, is_active=True).order_by(
            "name_th"
        )
        if province_code
        else []
    )
    subdistricts: Iterable[Subdistrict] = (
        Subdistrict.objects.filter(district_id=district_code, is_active=True).order_by(
            "name_th"
        )
        if district_code
        else []
    )
    return provinces, districts, subdistricts


class TrackForm(forms.Form):
    """Finding one's complaint: the tracking link (or its code), or, signed
    in, the reference."""

    q = forms.CharField(
        label=_("Your tracking link or reference"),
        help_text=_(
            "Paste the tracking link we sent you by SMS or LINE. Signed in, the "
            "reference alone is enough."
        ),
        max_length=300,
        error_messages={"required": _("Paste your tracking link or the reference.")},
    )


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How well was your complaint handled?"),
        help_text=_("1 is very poorly, 5 is very well."),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Write at most 1,000 characters: your text has %(show_value)d."
            )
        },
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong, or back again?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why you reopen the complaint."),
            "max_length": _(
                "Write at most 2,000 characters: your text has %(show_value)d."
            ),
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _(
                "Write at most 2,000 characters: your text has %(show_value)d."
            )
        },
    )
