from typing import Any

import pytest

from saduak.complaints.tests.factories import file_complaint

pytestmark = pytest.mark.django_db


def test_the_admin_lists_complaints_read_only_without_contact_details(
    admin_client: Any, category: Any
) -> None:
    complaint = file_complaint(category=category)
    for path in (
        "/admin/complaints/complaint/",
        "/admin/complaints/complaintcategory/",
        "/admin/complaints/open311key/",
        f"/admin/complaints/complaint/{complaint.pk}/change/",
    ):
        page = admin_client.get(path)
        assert page.status_code == 200, path
        assert complaint.contact_phone not in page.content.decode()
        assert complaint.tracking_token not in page.content.decode()
    assert admin_client.get("/admin/complaints/complaint/add/").status_code == 403
    changed = admin_client.post(
        f"/admin/complaints/complaint/{complaint.pk}/change/", {}
    )
    assert changed.status_code == 403
