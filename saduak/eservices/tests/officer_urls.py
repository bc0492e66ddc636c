"""The project's addresses plus the e-service pages the officers' tests use
(officers' pages, document downloads, the citizen's pages), for tests run
before config/urls.py mounts them; once it does, this adds nothing."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import get_resolver, include, path

from config.urls import urlpatterns as project_urlpatterns

_mounted = get_resolver("config.urls").namespace_dict
_extra = []
if "eservices-staff" not in _mounted:
    _extra.append(path("staff/eservices/", include("saduak.eservices.staff_urls")))
if "documents" not in _mounted:
    _extra.append(
        path("eservices/documents/", include("saduak.eservices.document_urls"))
    )
if "eservices" not in _mounted:
    _extra.append(path("", include("saduak.eservices.citizen_urls")))

urlpatterns = list(project_urlpatterns)
if _extra:
    urlpatterns += i18n_patterns(*_extra, prefix_default_language=False)
