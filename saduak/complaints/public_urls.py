"""The public complaint figures and open data, included at `complaints/figures/`
(before the citizen pages at `complaints/`)."""

from django.urls import path

from saduak.complaints.views import public

app_name = "complaints-public"

urlpatterns = [
    path("", public.country, name="figures"),
    path("p/<str:code>/", public.province, name="province"),
    path("d/<str:code>/", public.district, name="district"),
    path("data.<str:file_format>", public.data, name="data"),
]
