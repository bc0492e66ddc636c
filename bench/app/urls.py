"""The project's URLs plus the bench-only endpoints (under /bench/, no language
prefix)."""

from django.urls import path

from bench.app.views import upload_plain
from config import urls as project_urls

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

urlpatterns = [
    path("bench/upload-plain/", upload_plain, name="bench-upload-plain"),
    *project_urls.urlpatterns,
]
