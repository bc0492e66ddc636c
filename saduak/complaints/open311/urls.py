"""GeoReport v2 under /open311/v2/ (outside the language prefixes: the language
follows Accept-Language). Every path ends in .json or .xml; anything else is the
spec's 404."""

from django.urls import re_path

from saduak.complaints.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(
        r"^services/(?P<code>[-a-zA-Z0-9_]{1,40})" + FMT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[A-Za-z0-9-]{1,16})" + FMT,
        views.request_detail,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9-]{1,64})" + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
