"""Officers' complaint pages, mounted at `staff/complaints/` (namespace
`complaints-staff`); the reports have their own prefix under it."""

from django.urls import path

from saduak.complaints.views import categories, open311_keys, staff

app_name = "complaints-staff"
urlpatterns = [
    path("", staff.complaint_list, name="list"),
    path("record/", staff.complaint_record, name="record"),
    path("record/subdistricts/", staff.subdistrict_options, name="subdistricts"),
    path("categories/", categories.category_list, name="categories"),
    path("categories/add/", categories.category_edit, name="category-add"),
    path("categories/<slug:code>/", categories.category_edit, name="category"),
    path(
        "categories/<slug:code>/questions/",
        categories.attribute_add,
        name="attribute-add",
    ),
    path(
        "categories/<slug:code>/questions/<slug:attribute>/",
        categories.attribute_edit,
        name="attribute",
    ),
    path(
        "categories/<slug:code>/questions/<slug:attribute>/remove/",
        categories.attribute_remove,
        name="attribute-remove",
    ),
    path("open311-keys/", open311_keys.key_list, name="keys"),
    path(
        "open311-keys/<str:prefix>/revoke/", open311_keys.key_revoke, name="key-revoke"
    ),
    path("c/<str:reference>/", staff.complaint_detail, name="complaint"),
    path("c/<str:reference>/merge/", staff.complaint_merge, name="merge"),
    path("c/<str:reference>/<slug:action>/", staff.complaint_act, name="act"),
]
