"""Reading source imports by reach (docs/social.md, "Sources and imports"):
HQ sees every import; a province's staff its province's and the national
ones (which cover it too). Nobody else sees them."""

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.matrix import Action
from saduak.core.errors import NotFound
from saduak.social.models import SourceImport, StagedPerson


def source_import_list(
    *, viewer: object, kind: str = "", year: int | None = None
) -> QuerySet[SourceImport]:
    """The imports `viewer` may see, newest first, optionally of one source
    and year."""
    reach = matrix.action_reach(viewer, Action.SOCIAL_SOURCE_IMPORT)  # type: ignore[arg-type]
    imports = SourceImport.objects.select_related(
        "province", "imported_by", "rolled_back_by"
    )
    if not reach.everything:
        if not reach.provinces:
            return imports.none()
        imports = imports.filter(
            Q(province__isnull=True) | Q(province__in=reach.provinces)
        )
    if kind:
        imports = imports.filter(kind=kind)
    if year:
        imports = imports.filter(year=year)
    return imports.order_by("-imported_at", "-id")


def source_import_get(*, viewer: object, public_id: UUID) -> SourceImport:
    """One import `viewer` may see (NotFound else)."""
    found = source_import_list(viewer=viewer).filter(public_id=public_id).first()
    if found is None:
        raise NotFound(_("There is no such source import."))
    return found


def superseded_by_import(source_import: SourceImport) -> list[dict[str, object]]:
    """The older imports whose rows this one superseded, with how many rows
    of each (one grouped query)."""
    counts = (
        StagedPerson.objects.filter(superseded_by=source_import)
        .values("source_import")
        .order_by("source_import")
    )

    by_import = dict(
        counts.annotate(rows=Count("id")).values_list("source_import", "rows")
    )
    imports = SourceImport.objects.filter(pk__in=by_import).select_related("province")
    return [{"import": found, "rows": by_import[found.pk]} for found in imports]


def may_roll_back(viewer: object, source_import: SourceImport) -> bool:
    if source_import.province_id:
        return matrix.may(
            viewer,  # type: ignore[arg-type]
            Action.SOCIAL_SOURCE_IMPORT,
            province_code=source_import.province_id,
        )
    return matrix.action_reach(viewer, Action.SOCIAL_SOURCE_IMPORT).everything  # type: ignore[arg-type]
