"""Forms of the officers' complaint pages: the list's filters, each action on
a complaint, recording a complaint that came by the hotline, a letter, a
walk-in or a referral, and HQ's categories and Open311 keys. The services
decide; these only parse what was typed."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saduak.areas.choices import OfficeKind
from saduak.areas.models import District, Subdistrict
from saduak.complaints.choices import (
    RECORDED_CHANNELS,
    AttributeDatatype,
    Channel,
    ComplaintStatus,
    Outcome,
)
from saduak.complaints.models import DESCRIPTION_MAX_LENGTH, ComplaintCategory
from saduak.complaints.services.documents import ACCEPTED_FILES
from saduak.core.forms import DATE_INPUT, MultipleFileField
from saduak.core.personal_id import clean_personal_id
from saduak.core.thai import arabic_digits

TEXT_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 1000
AGENCY_MAX_LENGTH = 200
SEARCH_MAX_LENGTH = 100
# The list's status filter for every open state at once.
OPEN = "open"
# What an officer may attach to an answer: as the citizen's limits
# (docs/complaints-documents.md); the service checks each file.


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- The list ---------------------------------------------------------------


class ComplaintFilterForm(forms.Form):
    """GET filters of the list. Anything malformed is dropped, never a 500."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            (OPEN, _("Open (not resolved or closed)")),
            *ComplaintStatus.choices,
        ],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Channel.choices],
    )
    q = forms.CharField(
        label=_("Reference or text"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)
    overdue_first = forms.BooleanField(label=_("Overdue first"), required=False)

    def __init__(
        self, *args: Any, categories: Iterable[ComplaintCategory], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *category_tree_choices(categories),
        ]


def category_tree_choices(
    categories: Iterable[ComplaintCategory],
) -> list[tuple[str, str]]:
    """Every category in tree order, a group's leaves indented under it (a
    group takes its leaves in the list's filter)."""
    rows = list(categories)
    children: dict[int | None, list[ComplaintCategory]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    known = {row.pk for row in rows}
    choices: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in children.get(parent, []):
            choices.append((row.code, "\u2003" * depth + str(row.name)))
            if depth < 5:
                walk(row.pk, depth + 1)

    walk(None, 0)
    # A category whose parent is inactive still shows, at the top.
    for row in rows:
        if row.parent_id is not None and row.parent_id not in known:
            choices.append((row.code, str(row.name)))
    return choices


def category_choices(
    categories: Iterable[ComplaintCategory],
) -> list[tuple[str, Any]]:
    """Leaf categories grouped under their parent, for a select: a complaint is
    filed under a leaf."""
    rows = list(categories)
    parents = {row.parent_id for row in rows if row.parent_id}
    by_parent: dict[int | None, list[ComplaintCategory]] = defaultdict(list)
    names = {row.pk: row.name for row in rows}
    for row in rows:
        if row.pk not in parents:
            by_parent[row.parent_id].append(row)
    choices: list[tuple[str, Any]] = [
        (row.code, row.name) for row in by_parent.pop(None, [])
    ]
    for parent_id, leaves in by_parent.items():
        choices.append(
            (
                names.get(parent_id or 0, ""),
                [(row.code, row.name) for row in leaves],
            )
        )
    return choices


# --- Actions on one complaint ---------------------------------------------


class TextForm(forms.Form):
    """An answer, a resolution or an internal note."""

    text = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX_LENGTH, widget=_textarea(4)
    )


class AnswerForm(TextForm):
    attachments = MultipleFileField(
        accept=ACCEPTED_FILES,
        required=False,
        label=_("Photos or documents"),
        help_text=_("Up to 5 files: JPEG, PNG, WebP photos or PDF, 10 MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Answer to the complainant")
        self.fields["text"].help_text = _("The complainant reads it and is told.")


class ResolveForm(AnswerForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("What was done")
        self.fields["text"].help_text = _(
            "The public answer: the complainant reads it and is told."
        )


class NoteForm(TextForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Internal note")
        self.fields["text"].help_text = _("Only staff see it, never the complainant.")


class EmptyForm(forms.Form):
    """Accept and start ask nothing."""


class TransferForm(forms.Form):
    district = forms.ChoiceField(label=_("District to transfer to"))
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=_textarea()
    )

    def __init__(self, *args: Any, first_province: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices(  # type: ignore[attr-defined]
            first_province
        )

    def clean_district(self) -> District:
        return district_of(self.cleaned_data.get("district") or "")


def district_of(code: str) -> District:
    found = District.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise ValidationError(_("Choose a district from the list."))
    return found


def district_choices(first_province: str = "") -> list[tuple[str, Any]]:
    """Every active district grouped by province, `first_province` first (the
    province a district officer works in). About a thousand options: the
    phone's own picker handles them."""
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    rows = District.objects.filter(is_active=True).select_related("province")
    for district in rows.order_by("province_id", "code"):
        group = groups.setdefault(district.province_id, (district.province.name, []))
        group[1].append((district.code, f"{district.name} ({district.code})"))
    ordered = sorted(groups.items(), key=lambda item: item[0] != first_province)
    return [("", _("Choose a district")), *[value for _code, value in ordered]]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=_textarea()
    )


class ForwardForm(forms.Form):
    agency = forms.CharField(
        label=_("Agency"),
        max_length=AGENCY_MAX_LENGTH,
        help_text=_("The outside agency that must act, e.g. the municipality."),
    )
    text = forms.CharField(
        label=_("What was asked of it"),
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(),
        help_text=_(
            "The complainant reads it. Their name is not passed on unless they allowed it."
        ),
    )


class AgencyAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("The agency's answer"), max_length=TEXT_MAX_LENGTH, widget=_textarea()
    )
    public = forms.BooleanField(
        label=_("Show it to the complainant"), required=False, initial=True
    )


CLOSING_OUTCOMES = (
    Outcome.RESOLVED,
    Outcome.NOT_WITHIN_AUTHORITY,
    Outcome.NO_ACTION_POSSIBLE,
)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(value, Outcome(value).label) for value in CLOSING_OUTCOMES],
    )
    text = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(),
        help_text=_("The complainant reads it."),
    )


class MergeForm(forms.Form):
    """Merge a suggested duplicate: `other` is its reference; `direction`
    says which of the two survives."""

    INTO_THIS = "into_this"
    INTO_OTHER = "into_other"

    other = forms.CharField(max_length=16)
    direction = forms.ChoiceField(
        choices=[
            (INTO_THIS, _("Merge it into this complaint")),
            (INTO_OTHER, _("Merge this complaint into it")),
        ],
        initial=INTO_THIS,
    )


# --- Recording a complaint for a citizen -------------------------------------


class RecordForm(forms.Form):
    office = forms.ChoiceField(label=_("Recorded at"))
    channel = forms.ChoiceField(
        label=_("How it came in"),
        choices=[
            (value, label)
            for value, label in Channel.choices
            if value in RECORDED_CHANNELS
        ],
    )
    referral_agency = forms.CharField(
        label=_("Referring agency"),
        required=False,
        max_length=AGENCY_MAX_LENGTH,
        help_text=_("Only for a referral from another agency."),
    )
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Complaint details"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=_textarea(6),
        help_text=_("Up to 4,000 characters."),
    )
    happened_on = forms.DateField(
        label=_("When it happened"), required=False, widget=DATE_INPUT
    )
    district = forms.ChoiceField(label=_("District where it happened"))
    subdistrict = forms.CharField(
        label=_("Subdistrict"),
        required=False,
        widget=forms.Select(),
    )
    address = forms.CharField(
        label=_("Address or place"), required=False, max_length=300
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("5.5"),
        max_value=Decimal("20.5"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("97.3"),
        max_value=Decimal("105.7"),
    )
    personal_id = forms.CharField(
        label=_("Citizen's personal ID"),
        required=False,
        max_length=20,
        help_text=_("If the citizen has an account, they follow the complaint online."),
    )
    name = forms.CharField(
        label=_("Complainant's name"), required=False, max_length=200
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    show_name = forms.BooleanField(
        label=_("The complainant's name may be shown to the agency complained about"),
        required=False,
    )
    attachments = MultipleFileField(
        accept=ACCEPTED_FILES,
        required=False,
        label=_("Photos or documents"),
        help_text=_("Up to 5 files: JPEG, PNG, WebP photos or PDF, 10 MB each."),
    )

    def __init__(
        self,
        *args: Any,
        offices: list[tuple[str, str]],
        categories: Iterable[ComplaintCategory],
        first_province: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = offices  # type: ignore[attr-defined]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a category")),
            *category_choices(categories),
        ]
        self.fields["district"].choices = district_choices(  # type: ignore[attr-defined]
            first_province
        )
        # The subdistricts follow the district chosen (htmx); without script
        # the form is sent and comes back with them.
        self.fields["district"].widget.attrs.update(
            {
                "hx-get": reverse("complaints-staff:subdistricts"),
                "hx-target": "#id_subdistrict",
                "hx-trigger": "change",
            }
        )
        district_code = (
            self.data.get("district") if self.is_bound else self.initial.get("district")
        )
        self.fields["subdistrict"].widget.choices = subdistrict_choices(  # type: ignore[attr-defined]
            str(district_code or "")
        )

    def clean_personal_id(self) -> str:
        raw = self.cleaned_data.get("personal_id") or ""
        if not raw.strip():
            return ""
        return clean_personal_id(raw)

    def clean_phone(self) -> str:
        return (
            arabic_digits(self.cleaned_data.get("phone") or "")
            .replace("-", "")
            .replace(" ", "")
        )

    def clean_district(self) -> District:
        return district_of(self.cleaned_data.get("district") or "")

    def clean_subdistrict(self) -> Subdistrict | None:
        code = (self.cleaned_data.get("subdistrict") or "").strip()
        if not code:
            return None
        district = self.data.get("district") or ""
        found = Subdistrict.objects.filter(
            code=code, district_id=district, is_active=True
        ).first()
        if found is None:
            raise ValidationError(
                _("Choose a subdistrict of the district where it happened.")
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == Channel.REFERRAL and not data.get("referral_agency"):
            self.add_error(
                "referral_agency", _("Name the agency that referred the complaint.")
            )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude", _("Give both latitude and longitude, or neither.")
            )
        return data


def subdistrict_choices(district_code: str) -> list[tuple[str, Any]]:
    """The subdistricts of one district, for the record form's second select."""
    choices: list[tuple[str, Any]] = [("", _("Not known"))]
    if district_code.isdigit() and len(district_code) == 4:
        choices += [
            (row.code, row.name)
            for row in Subdistrict.objects.filter(
                district_id=district_code, is_active=True
            ).order_by("code")
        ]
    return choices


# --- HQ: categories and Open311 keys ----------------------------------------


class CategoryForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    parent = forms.ChoiceField(label=_("Parent category"), required=False)
    name_th = forms.CharField(label=_("Thai name"), max_length=150)
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    description_th = forms.CharField(
        label=_("Description (Thai)"), required=False, widget=_textarea()
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=_textarea()
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=300,
        required=False,
        help_text=_("Comma-separated"),
    )
    handling_office_kind = forms.ChoiceField(
        label=_("Handled by"),
        choices=[
            (value, label)
            for value, label in OfficeKind.choices
            if value
            in (
                OfficeKind.DAMRONGDHAM_CENTER,
                OfficeKind.DISTRICT_OFFICE,
                OfficeKind.DISTRICT_REGISTRY,
            )
        ],
        initial=OfficeKind.DAMRONGDHAM_CENTER,
        help_text=_("The office of the district where it happened that handles it."),
    )
    acknowledge_days = forms.IntegerField(
        label=_("Working days to acknowledge"), min_value=0, max_value=60, initial=1
    )
    resolve_days = forms.IntegerField(
        label=_("Working days to resolve"), min_value=1, max_value=365, initial=15
    )
    hq_escalation_days = forms.IntegerField(
        label=_("Further working days before HQ is told"),
        min_value=1,
        max_value=365,
        initial=15,
    )
    sort_order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32767, initial=0
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        parents: list[tuple[str, str]],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", _("None: a group at the top")),
            *parents,
        ]
        if editing:
            # The code is the category's identity (Open311's service_code).
            self.fields["code"].disabled = True


class AttributeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    datatype = forms.ChoiceField(label=_("Type"), choices=AttributeDatatype.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    description_th = forms.CharField(label=_("Question (Thai)"), max_length=300)
    description_en = forms.CharField(
        label=_("Question (English)"), max_length=300, required=False
    )
    datatype_description_th = forms.CharField(
        label=_("Hint (Thai)"), max_length=300, required=False
    )
    datatype_description_en = forms.CharField(
        label=_("Hint (English)"), max_length=300, required=False
    )
    order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32767, initial=0
    )
    values = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=_textarea(4),
        help_text=_("For a list: one choice a line, as key|Thai name|English name."),
    )

    def clean_values(self) -> list[dict[str, str]]:
        rows = []
        for number, line in enumerate(
            (self.cleaned_data.get("values") or "").splitlines(), start=1
        ):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValidationError(
                    _("Line %(number)d: write key|Thai name|English name.")
                    % {"number": number}
                )
            rows.append(
                {
                    "key": parts[0],
                    "name_th": parts[1],
                    "name_en": parts[2] if len(parts) > 2 else "",
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lists = (AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST)
        if data.get("datatype") in lists and not data.get("values"):
            self.add_error("values", _("A list needs at least one choice."))
        return data


class KeyForm(forms.Form):
    partner = forms.ChoiceField(label=_("Partner agency"))
    name = forms.CharField(
        label=_("What the key is for"),
        max_length=100,
        help_text=_("e.g. the municipality's complaint app"),
    )

    def __init__(
        self, *args: Any, partners: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a partner")),
            *partners,
        ]
