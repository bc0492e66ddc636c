"""The form builder's editor (saduak/forms_engine) for a report request's form and
a GECC round's readiness form. Namespace `performance-forms`, mounted at
staff/performance/forms/ (docs/performance-collection.md): `edit`
(`<host>/<public_id>/`, host `request` or `gecc`), `section-add`,
`section-update`, `section-move`, `section-remove`, `field-new`, `field-edit`,
`field-move`, `field-remove`."""

from saduak.performance.views.forms import form_editor_urls

app_name = "performance-forms"

urlpatterns = form_editor_urls()
