import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import Counter, Holiday, Office
from saduak.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_pages_need_a_signed_in_staff_member(
    small_map, client, citizen, client_for
):
    assert client.get("/staff/areas/").status_code == 302
    response = client_for(citizen).get("/staff/areas/")
    assert response.status_code == 403
    assert (
        "สำหรับเจ้าหน้าที่" in response.content.decode()
        or "staff" in response.content.decode()
    )


def test_staff_browse_provinces_districts_and_offices(
    small_map, make_staff, client_for
):
    staff = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    assert "เชียงใหม่" in staff.get("/staff/areas/").content.decode()
    assert "จอมทอง" in staff.get("/staff/areas/provinces/50/").content.decode()
    district = staff.get("/staff/areas/districts/5001/").content.decode()
    assert "ศรีภูมิ" in district and "สำนักทะเบียนอำเภอเมืองเชียงใหม่" in district
    assert staff.get("/staff/offices/reg-5001/").status_code == 200


def test_search_finds_areas_and_offices_in_english(small_map, make_staff, client_for):
    staff = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    page = staff.get("/en/staff/areas/", {"q": "chom thong"}).content.decode()
    assert "Chom Thong" in page and "Chom Thong District Office" in page


def test_search_answers_htmx_with_the_results_only(small_map, make_staff, client_for):
    staff = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    page = staff.get(
        "/staff/areas/", {"q": "จอมทอง"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in page and "จอมทอง" in page


def test_an_unknown_province_page_is_404(small_map, make_staff, client_for):
    response = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001")).get(
        "/staff/areas/provinces/99/"
    )
    assert response.status_code == 404
    assert "99" in response.content.decode()


def test_a_district_admin_saves_their_office_contact_from_the_page(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.post(
        "/staff/offices/reg-5001/",
        {
            "phone": "053 111 222",
            "email": "",
            "address_th": "ถนนโชตนา",
            "address_en": "",
        },
    )
    assert response.status_code == 302
    assert Office.objects.get(code="reg-5001").address_th == "ถนนโชตนา"


def test_a_bad_email_on_the_page_is_shown_in_the_error_summary(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.post(
        "/staff/offices/reg-5001/",
        {"phone": "", "email": "nope", "address_th": "", "address_en": ""},
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert Office.objects.get(code="reg-5001").email == ""


def test_an_officer_of_one_district_cannot_change_another_districts_office_through_pages(
    small_map, make_staff, client_for
):
    other = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))

    page = other.get("/staff/offices/reg-5001/").content.decode()
    contact = other.post(
        "/staff/offices/reg-5001/",
        {"phone": "1", "email": "", "address_th": "", "address_en": ""},
    )
    counter = other.post(
        "/staff/offices/reg-5001/counters/", {"number": 7, "label_th": "x"}
    )
    closure = other.post(
        "/staff/offices/reg-5001/closures/", {"date": "2026-12-24", "name_th": "x"}
    )
    hours = other.post(
        "/staff/offices/reg-5001/hours/",
        {"d6_p0_opens": "08:00", "d6_p0_closes": "09:00"},
    )

    assert 'name="phone"' not in page  # read-only view
    assert (
        contact.status_code
        == counter.status_code
        == closure.status_code
        == hours.status_code
        == 403
    )
    assert (
        not Office.objects.get(code="reg-5001").opening_hours.filter(weekday=6).exists()
    )
    assert Office.objects.get(code="reg-5001").phone == ""
    assert not Counter.objects.filter(office__code="reg-5001", number=7).exists()
    assert not Holiday.objects.exists()
    assert not AuditEvent.objects.filter(
        office_id=Office.objects.get(code="reg-5001").pk
    ).exists()


def test_a_counter_added_over_htmx_returns_the_counter_list(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.post(
        "/staff/offices/reg-5001/counters/",
        {"number": 4, "label_th": "ช่องด่วน", "is_active": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        "ช่องด่วน" in response.content.decode()
        and "<html" not in response.content.decode()
    )


def test_hq_adds_and_removes_a_national_holiday_from_the_page(
    small_map, make_staff, client_for
):
    hq = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    assert (
        hq.post(
            "/staff/holidays/", {"date": "2026-12-24", "name_th": "วันหยุดพิเศษ"}
        ).status_code
        == 302
    )
    assert Holiday.objects.count() == 1
    assert "24 ธ.ค. 2569" in hq.get("/staff/holidays/").content.decode()
    hq.post("/staff/holidays/2026-12-24/remove/", {"next": "https://evil.example/"})
    assert not Holiday.objects.exists()


def test_district_staff_cannot_add_national_holidays_from_the_page(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.post("/staff/holidays/", {"date": "2026-12-24", "name_th": "x"})
    assert response.status_code == 403
    assert not Holiday.objects.exists()


def test_the_audit_page_lists_events_within_reach_only(
    small_map, make_staff, client_for
):
    admin_5001 = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    client_for(admin_5001).post(
        "/staff/offices/reg-5001/",
        {"phone": "9", "email": "", "address_th": "", "address_en": ""},
    )
    other = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))
    event = AuditEvent.objects.get(action="office.update")

    assert (
        "office.update" in client_for(admin_5001).get("/staff/audit/").content.decode()
    )
    assert "office.update" not in other.get("/staff/audit/").content.decode()
    event.refresh_from_db()  # the audit log sealed it on demand
    assert other.get(f"/staff/audit/{event.sequence}/").status_code == 404
    assert (
        client_for(admin_5001).get(f"/staff/audit/{event.sequence}/").status_code == 200
    )


def test_a_district_admin_sets_a_lunch_break_and_a_saturday_from_the_page(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    week = {f"d{day}_p0_opens": "08:30" for day in range(5)} | {
        f"d{day}_p0_closes": "16:30" for day in range(5)
    }
    week |= {
        "d0_p0_closes": "12:00",
        "d0_p1_opens": "13:00",
        "d0_p1_closes": "16:30",
        "d5_p0_opens": "09:00",
        "d5_p0_closes": "12:00",
    }

    response = admin.post("/staff/offices/reg-5001/hours/", week)

    assert response.status_code == 302
    hours = Office.objects.get(code="reg-5001").opening_hours
    assert hours.filter(weekday=0).count() == 2 and hours.filter(weekday=5).count() == 1


def test_a_period_with_only_one_time_is_refused_on_the_page(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.post("/staff/offices/reg-5001/hours/", {"d0_p0_opens": "08:30"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert Office.objects.get(code="reg-5001").opening_hours.count() == 5


def test_overlapping_periods_are_refused_on_the_page_with_the_reason(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.post(
        "/en/staff/offices/reg-5001/hours/",
        {
            "d0_p0_opens": "08:00",
            "d0_p0_closes": "12:00",
            "d0_p1_opens": "11:00",
            "d0_p1_closes": "15:00",
        },
    )
    assert response.status_code == 400
    assert "must not overlap" in response.content.decode()


def test_a_district_admin_removes_a_closure_from_the_office_page(
    small_map, make_staff, client_for
):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    admin.post(
        "/staff/offices/reg-5001/closures/",
        {"date": "2099-12-24", "name_th": "ปิดปรับปรุง"},
    )
    remove = "/staff/offices/reg-5001/closures/2099-12-24/remove/"
    page = admin.get("/staff/offices/reg-5001/").content.decode()
    assert "ปิดปรับปรุง" in page and remove in page

    response = admin.post(remove, {"next": "/staff/offices/reg-5001/"})

    assert response["Location"] == "/staff/offices/reg-5001/"
    assert not Holiday.objects.exists()


def test_the_staff_home_shows_each_role_the_work_the_matrix_lets_it_do(
    small_map, make_staff, client_for
):
    counter = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    finance = client_for(make_staff(Role.FINANCE_OFFICER, "pao-50"))
    hq = client_for(make_staff(Role.HQ_ADMIN, "hq"))

    counter_page = counter.get("/en/staff/").content.decode()
    finance_page = finance.get("/en/staff/").content.decode()
    hq_page = hq.get("/en/staff/").content.decode()

    assert "Enrol a citizen" in counter_page and "Subsidy payments" not in counter_page
    assert "Subsidy payments" in finance_page and "Enrol a citizen" not in finance_page
    assert "second factor" in hq_page and "second factor" not in counter_page
