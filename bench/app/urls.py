"""The project's URLs plus the bench-only endpoints (under /bench/, no language
prefix)."""

from django.urls import path

from bench.app.views import collection_progress, upload_plain
from config import urls as project_urls

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

urlpatterns = [
    path("bench/upload-plain/", upload_plain, name="bench-upload-plain"),
    path(
        "bench/collection-progress/<uuid:public_id>/",
        collection_progress,
        name="bench-collection-progress",
    ),
    *project_urls.urlpatterns,
]
