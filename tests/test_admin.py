import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/areas/province/",
        "/admin/areas/district/?q=chom",
        "/admin/areas/subdistrict/",
        "/admin/areas/office/?q=reg-5001",
        "/admin/areas/holiday/",
        "/admin/accounts/user/",
        "/admin/accounts/apitoken/",
        "/admin/audit/auditevent/",
    ],
)
def test_the_admin_lists_reference_data(admin_client, small_map, path):
    assert admin_client.get(path).status_code == 200


def test_areas_cannot_be_edited_in_the_admin_because_the_next_load_would_undo_it(
    admin_client, small_map
):
    assert (
        admin_client.post("/admin/areas/district/5001/change/", {}).status_code == 403
    )
    assert admin_client.get("/admin/areas/district/add/").status_code == 403
