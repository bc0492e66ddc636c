"""The documents of report collection: a directive's official letter (PDF), the
consolidated report (PDF) and every answer as one XLSX. Namespace `performance-
collection-files` (docs/performance-collection.md)."""

from django.urls import path

from saduak.performance.views import collection_files

app_name = "performance-collection-files"

urlpatterns = [
    path(
        "directives/<uuid:public_id>/letter.pdf", collection_files.letter, name="letter"
    ),
    path(
        "requests/<uuid:public_id>/consolidated.pdf",
        collection_files.consolidated,
        name="consolidated",
    ),
    path(
        "requests/<uuid:public_id>/answers.xlsx",
        collection_files.answers_xlsx,
        name="answers-xlsx",
    ),
]
