from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.performance.choices import BreakdownLevel, ImportStatus
from saduak.performance.models import BreakdownImport, BreakdownRow
from saduak.performance.tests.factories import Built, framework_built

GOOD = "อำเภอ,จังหวัด,ตัวตั้ง,ตัวหาร\nอ.เมือง,เชียงใหม่,30,40\nจอมทอน,เชียงใหม่,45,60\n"


@pytest.fixture(autouse=True)
def thai_urls() -> Any:
    """reverse() in the test follows the language the last request left
    active; each test starts from the Thai (unprefixed) pages."""
    with translation.override("th"):
        yield


@pytest.fixture
def province(small_map: None) -> Built:
    return framework_built(
        unit_level="province", unit_code="50", breakdown_level=BreakdownLevel.DISTRICT
    )


@pytest.fixture
def staff(make_staff: Any, client_for: Any) -> Any:
    return client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))


def new_url(built: Built, language: str = "") -> str:
    url = reverse("performance-imports:new", args=[built.kpis["1.1"].public_id, 6])
    return f"/{language}{url}" if language else url


def upload(client: Any, built: Built, content: str, name: str = "t.csv") -> Any:
    return client.post(
        new_url(built), {"file": SimpleUploadedFile(name, content.encode())}
    )


def test_the_upload_page_says_what_the_file_must_hold_in_thai_and_english(
    province: Built, staff: Any
) -> None:
    thai = staff.get(new_url(province))
    assert thai.status_code == 200
    assert "นำเข้าตารางจำแนกรายหน่วย" in thai.content.decode()
    assert "อำเภอ / district" in thai.content.decode()
    english = staff.get(new_url(province, "en"))
    assert "Import a breakdown table" in english.content.decode()


def test_a_file_is_read_and_its_rows_shown_with_their_status(
    province: Built, staff: Any
) -> None:
    response = upload(staff, province, GOOD)
    imported = BreakdownImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "performance-imports:preview", args=[imported.public_id]
    )
    page = staff.get(response["Location"]).content.decode()
    assert "ตรงกับแผนที่" in page
    assert "น่าจะใช่ โปรดยืนยัน" in page
    assert 'name="line_3"' in page
    assert "จอมทอง (Chom Thong)" in page


def test_confirming_the_likely_match_applies_the_table(
    province: Built, staff: Any
) -> None:
    upload(staff, province, GOOD)
    imported = BreakdownImport.objects.get()
    url = reverse("performance-imports:preview", args=[imported.public_id])
    response = staff.post(url, {"line_3": "5002"})
    assert response.status_code == 302
    assert BreakdownRow.objects.count() == 2
    imported.refresh_from_db()
    assert imported.status == ImportStatus.APPLIED
    page = staff.get(url).content.decode()
    assert "line_3" not in page


def test_an_unanswered_likely_match_is_refused_with_400_and_the_lines(
    province: Built, staff: Any
) -> None:
    upload(staff, province, GOOD)
    imported = BreakdownImport.objects.get()
    url = f"/en{reverse('performance-imports:preview', args=[imported.public_id])}"
    response = staff.post(url, {})
    assert response.status_code == 400
    assert "Confirm or reject the likely match of lines 3." in response.content.decode()
    assert not BreakdownRow.objects.exists()


def test_a_row_that_cannot_be_imported_disables_confirming(
    province: Built, staff: Any
) -> None:
    upload(staff, province, "อำเภอ,ตัวตั้ง,ตัวหาร\nสำนักงานใหญ่,5,10\n")
    imported = BreakdownImport.objects.get()
    page = staff.get(
        reverse("performance-imports:preview", args=[imported.public_id])
    ).content.decode()
    assert "ไม่พบในแผนที่" in page
    assert "disabled" in page


def test_a_wrong_file_is_refused_on_the_field_with_400(
    province: Built, staff: Any
) -> None:
    response = staff.post(
        f"/en{new_url(province)}",
        {"file": SimpleUploadedFile("t.csv", b"%PDF-1.7\n" + b"\x00" * 50)},
    )
    assert response.status_code == 400
    assert "not a table Saduak can read" in response.content.decode()
    assert not BreakdownImport.objects.exists()


def test_missing_columns_are_refused_in_thai(province: Built, staff: Any) -> None:
    response = upload(staff, province, "ชื่อ,หมายเหตุ\nเชียงใหม่,ดี\n")
    assert response.status_code == 400
    assert "แถวหัวตาราง" in response.content.decode()


def test_discarding_returns_to_the_upload_page(province: Built, staff: Any) -> None:
    upload(staff, province, GOOD)
    imported = BreakdownImport.objects.get()
    response = staff.post(
        reverse("performance-imports:discard", args=[imported.public_id])
    )
    assert response["Location"] == new_url(province)
    imported.refresh_from_db()
    assert imported.status == ImportStatus.DISCARDED


def test_staff_of_another_province_get_404_and_an_auditor_may_not_import(
    province: Built, staff: Any, make_staff: Any, client_for: Any
) -> None:
    upload(staff, province, GOOD)
    imported = BreakdownImport.objects.get()
    other = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-10"))
    preview = reverse("performance-imports:preview", args=[imported.public_id])
    assert other.get(new_url(province)).status_code == 404
    assert other.get(preview).status_code == 404
    assert other.post(preview, {"line_3": "5002"}).status_code == 404
    auditor = client_for(make_staff(Role.AUDITOR, "hq"))
    page = auditor.get(new_url(province))
    assert page.status_code == 200
    assert 'type="file"' not in page.content.decode()
    assert upload(auditor, province, GOOD).status_code == 403
    assert auditor.post(preview, {"line_3": "5002"}).status_code == 403
    assert not BreakdownRow.objects.exists()


def test_an_unknown_import_or_round_is_404(province: Built, staff: Any) -> None:
    missing = reverse(
        "performance-imports:preview", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert staff.get(missing).status_code == 404
    no_round = reverse(
        "performance-imports:new", args=[province.kpis["1.1"].public_id, 4]
    )
    assert staff.get(no_round).status_code == 404


def test_none_of_these_rejects_the_likely_match_and_nothing_is_saved(
    province: Built, staff: Any
) -> None:
    upload(staff, province, GOOD)
    imported = BreakdownImport.objects.get()
    url = reverse("performance-imports:preview", args=[imported.public_id])
    page = staff.get(url).content.decode()
    assert "checked" not in page  # no answer is given for the person
    response = staff.post(f"/en{url}", {"line_3": "none"})
    assert response.status_code == 400
    assert "The likely match of lines 3 was rejected" in response.content.decode()
    assert not BreakdownRow.objects.exists()
