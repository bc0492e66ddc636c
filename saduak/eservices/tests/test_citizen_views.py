"""The citizen's journey through the test client: find the service, read its
manual, apply with the digital ID's data filled in, save a draft, check the
answers, declare and submit, follow the application and answer a return; and
every kind of bad input shown with an error summary, a message at the field
and nothing lost of what was typed."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.audit.models import AuditEvent
from saduak.eservices.choices import Action, ApplicationStatus
from saduak.eservices.models import Application, Attachment
from saduak.eservices.services.applications import application_act
from saduak.eservices.tests.conftest import LOW_INCOME
from saduak.eservices.tests.document_fixtures import PDF, PNG, png_of_one_colour

APPLICANT = {
    "full_name": "สมศรี ใจดี",
    "birth_date": "14/03/2528",
    "phone": "081-234-5678",
    "email": "",
    "address__line": "12 หมู่ 3",
    "address__province": "50",
    "address__district": "5001",
    "address__subdistrict": "500101",
    "address__postal_code": "50200",
}
HOUSEHOLD = {
    "household_size": "4",
    "monthly_income": "2,500",
    "income_source": "wage",
    "income_source_other": "",
    "dependants": ["elderly"],
    "housing": "rent",
    "has_welfare_card": "no",
    "members-rows": "1",
    "members-0-name": "สมชาย ใจดี",
    "members-0-relation": "สามี",
    "members-0-age": "45",
}
REQUEST = {"reason": "รายได้ไม่พอเลี้ยงครอบครัว", "requested_amount": "3000"}
PAYMENT = {"bank_account__bank": "006", "bank_account__number": "123-4-56789-0"}


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.CLAMD_ADDRESS = ""


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> User:
    return make_user(
        first_name="สมศรี", last_name="ใจดี", phone="0812345678", email="s@example.com"
    )


@pytest.fixture
def browser(
    builtin_services: None, applicant: User, client_for: Callable[[User], Client]
) -> Client:
    return client_for(applicant)


def section_url(reference: str, key: str) -> str:
    return reverse("eservices:section", args=[reference, key])


def english_section_url(reference: str, key: str) -> str:
    with translation.override("en"):
        return reverse("eservices:section", args=[reference, key])


def start(browser: Client) -> Application:
    response = browser.post(
        reverse("eservices:start", args=[LOW_INCOME]), {"office": "do-5001"}
    )
    application = Application.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == section_url(application.reference, "applicant")
    return application


def save(browser: Client, application: Application, key: str, data: dict) -> Any:
    return browser.post(section_url(application.reference, key), data)


def fill_all(browser: Client, application: Application) -> None:
    applicant = {**APPLICANT, "personal_id": application.applicant.personal_id}
    for key, data in (
        ("applicant", applicant),
        ("household", HOUSEHOLD),
        ("request", REQUEST),
        ("payment", PAYMENT),
    ):
        response = save(browser, application, key, {**data, "continue": "1"})
        assert response.status_code == 302, response.content.decode()[:3000]
    upload = SimpleUploadedFile("bank-book.pdf", PDF, "application/pdf")
    response = save(
        browser, application, "documents", {"bank_book": upload, "continue": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse(
        "eservices:check", args=[application.reference]
    )


def test_the_catalogue_lists_the_open_services_and_finds_them_by_words(
    browser: Client,
) -> None:
    page = browser.get("/en/eservices/").content.decode()
    assert "Assistance for low-income families and the destitute" in page
    assert "Occupational capital for women affected by HIV" in page
    found = browser.get("/en/eservices/", {"q": "occupational women"}).content.decode()
    assert "Occupational capital for women affected by HIV" in found
    assert "Assistance for low-income families" not in found


def test_the_service_page_is_the_citizens_manual_with_the_offices_to_apply_to(
    browser: Client,
) -> None:
    page = browser.get(
        f"/en/eservices/{LOW_INCOME}/", {"province": "50"}
    ).content.decode()
    for text in (
        "Families earning under 3,000 THB a month",
        "32 working days",
        "No photocopies",
        "No fee.",
        "Social Welfare Promotion Act",
        "1567 hotline",
        "Mueang Chiang Mai District Office",
    ):
        assert text in page, text
    thai = browser.get(f"/eservices/{LOW_INCOME}/").content.decode()
    assert "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อยและผู้ไร้ที่พึ่ง" in thai


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(
    builtin_services: None,
) -> None:
    anonymous = Client()
    response = anonymous.post(
        reverse("eservices:start", args=[LOW_INCOME]), {"office": "do-5001"}
    )
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert "next=" in response["Location"]
    mine = anonymous.get(reverse("eservices:applications"))
    assert reverse("accounts:login") in mine["Location"]
    assert Application.objects.count() == 0


def test_applying_starts_a_draft_with_what_the_digital_id_knows(
    browser: Client, applicant: User
) -> None:
    application = start(browser)
    assert application.status == ApplicationStatus.DRAFT
    assert AuditEvent.objects.filter(action="eservices.application.start").exists()
    page = browser.get(section_url(application.reference, "applicant")).content
    html = page.decode()
    assert 'value="สมศรี ใจดี"' in html
    assert f'value="{applicant.personal_id}"' in html
    assert 'value="0812345678"' in html
    assert 'placeholder="วว/ดด/ปปปป"' in html
    assert 'enctype="multipart/form-data"' not in html


def test_a_missing_required_answer_shows_the_summary_the_field_message_and_keeps_what_was_typed(
    browser: Client,
) -> None:
    application = start(browser)
    typed = {
        **APPLICANT,
        "full_name": "",
        "personal_id": "1234567890123",
        "birth_date": "31/02/2528",
        "phone": "12345",
        "address__line": "99 ซอยทดสอบ",
        "continue": "1",
    }
    with translation.override("en"):
        response = browser.post(
            english_section_url(application.reference, "applicant"), typed
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert 'href="#id_personal_id"' in html
    assert 'href="#id_birth_date"' in html
    assert 'href="#id_phone"' in html
    assert "check digit" in html
    assert "Enter a real date" in html
    assert "Enter a Thai phone number" in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_phone-error"' in html
    # Nothing typed is lost, not even what is wrong.
    assert 'value="1234567890123"' in html
    assert 'value="31/02/2528"' in html
    assert 'value="12345"' in html
    assert 'value="99 ซอยทดสอบ"' in html
    application.refresh_from_db()
    assert application.answers["personal_id"] != "1234567890123"
    # Only the missing full name, once the rest is right.
    fixed = {
        **APPLICANT,
        "personal_id": application.applicant.personal_id,
        "full_name": "",
        "continue": "1",
    }
    with translation.override("en"):
        response = browser.post(
            english_section_url(application.reference, "applicant"), fixed
        )
    assert response.status_code == 400
    assert "This is required." in response.content.decode()
    assert 'href="#id_full_name"' in response.content.decode()


def test_a_draft_is_saved_and_carried_on_later(browser: Client) -> None:
    application = start(browser)
    response = save(
        browser, application, "household", {"household_size": "3", "save_leave": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "eservices:application", args=[application.reference]
    )
    application.refresh_from_db()
    assert application.answers["household_size"] == 3
    mine = browser.get(reverse("eservices:applications")).content.decode()
    assert application.reference in mine
    tracking = browser.get(
        reverse("eservices:application", args=[application.reference])
    ).content.decode()
    assert section_url(application.reference, "applicant") in tracking
    again = browser.get(section_url(application.reference, "household")).content
    assert b'value="3"' in again


def test_a_table_gets_another_row_without_javascript_and_keeps_the_rows(
    browser: Client,
) -> None:
    application = start(browser)
    response = save(
        browser, application, "household", {**HOUSEHOLD, "add_row": "members"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="members-1-name"' in html
    assert 'value="สมชาย ใจดี"' in html
    removed = save(
        browser,
        application,
        "household",
        {**HOUSEHOLD, "members-rows": "2", "remove_row": "members-0"},
    ).content.decode()
    assert 'name="members-1-name"' not in removed
    assert 'value="สมชาย ใจดี"' not in removed


def test_the_address_lists_follow_the_chosen_province_without_javascript(
    browser: Client,
) -> None:
    application = start(browser)
    chosen = {**APPLICANT, "address__district": "", "address__subdistrict": ""}
    chosen["personal_id"] = application.applicant.personal_id
    response = save(browser, application, "applicant", {**chosen, "update": "address"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="5002"' in html  # Chom Thong, in Chiang Mai
    assert 'value="1001"' not in html  # Phra Nakhon, in Bangkok
    wrong = save(
        browser,
        application,
        "applicant",
        {
            **APPLICANT,
            "personal_id": application.applicant.personal_id,
            "address__district": "1001",
            "continue": "1",
        },
    )
    assert wrong.status_code == 400
    assert 'href="#id_address__line"' in wrong.content.decode()


def test_a_file_of_the_wrong_type_is_refused_with_the_allowed_types(
    browser: Client,
) -> None:
    application = start(browser)
    fake = SimpleUploadedFile("bank-book.pdf", b"MZ\x90\x00" + b"\x00" * 300)
    with translation.override("en"):
        response = browser.post(
            english_section_url(application.reference, "documents"),
            {"bank_book": fake, "upload": "bank_book"},
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "bank-book.pdf" in html
    assert "PDF, JPG, PNG" in html
    assert 'href="#id_bank_book"' in html
    assert not Attachment.objects.filter(application=application).exists()


def test_a_decompression_bomb_is_refused_at_the_field_saying_what_to_do(
    browser: Client,
) -> None:
    application = start(browser)
    bomb = SimpleUploadedFile("home.png", png_of_one_colour(20_000), "image/png")
    with translation.override("en"):
        response = browser.post(
            english_section_url(application.reference, "documents"),
            {"house_photos": bomb, "upload": "house_photos"},
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "This image is too large (400 million pixels" in html
    assert "lower resolution" in html
    assert 'href="#id_house_photos"' in html
    assert not Attachment.objects.filter(application=application).exists()


def test_a_file_too_large_is_refused_with_the_limit(browser: Client) -> None:
    application = start(browser)
    big = SimpleUploadedFile("book.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with translation.override("en"):
        response = browser.post(
            english_section_url(application.reference, "documents"),
            {"bank_book": big, "upload": "bank_book"},
        )
    assert response.status_code == 400
    assert "The limit is 10 MB" in response.content.decode()
    assert not Attachment.objects.filter(application=application).exists()


def test_an_uploaded_document_is_listed_and_can_be_removed(browser: Client) -> None:
    application = start(browser)
    upload = SimpleUploadedFile("home.png", PNG, "image/png")
    response = save(
        browser, application, "documents", {"house_photos": upload, "upload": "x"}
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(application=application)
    page = response.content.decode()
    assert "home.png" in page
    # The remove button names the document by its public id only.
    assert f'name="remove_file" value="{attachment.public_id}"' in page
    assert AuditEvent.objects.filter(action="eservices.attachment.add").exists()
    by_id = save(browser, application, "documents", {"remove_file": str(attachment.pk)})
    assert by_id.status_code == 200
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    removed = save(
        browser, application, "documents", {"remove_file": str(attachment.public_id)}
    )
    assert removed.status_code == 200
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert AuditEvent.objects.filter(action="eservices.attachment.remove").exists()


def test_the_whole_journey_ends_with_a_reference_and_a_tracking_page(
    browser: Client,
) -> None:
    application = start(browser)
    fill_all(browser, application)
    application.refresh_from_db()
    assert application.answers["birth_date"] == "1985-03-14"
    assert application.answers["monthly_income"] == "2500.00"
    assert application.answers["bank_account"] == {
        "bank": "006",
        "number": "1234567890",
    }
    assert application.answers["members"] == [
        {"name": "สมชาย ใจดี", "relation": "สามี", "age": 45}
    ]
    check_url = reverse("eservices:check", args=[application.reference])
    check = browser.get(check_url).content.decode()
    assert "14 มี.ค. 2528" in check
    with translation.override("en"):
        english = browser.get(
            reverse("eservices:check", args=[application.reference])
        ).content.decode()
    assert "14 Mar 1985" in english
    assert "2,500.00 baht" in english
    assert "Krungthai Bank" in english
    assert "xxxxxx7890" in check
    assert "bank-book.pdf" in check
    assert section_url(application.reference, "household") + "?return=check" in check
    refused = browser.post(check_url, {})
    assert refused.status_code == 400
    assert 'href="#id_declaration"' in refused.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    sent = browser.post(check_url, {"declaration": "yes"})
    assert sent.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.stage == "intake"
    assert AuditEvent.objects.filter(action="eservices.application.submit").exists()
    done = browser.get(sent["Location"]).content.decode()
    assert application.reference in done
    tracking = browser.get(
        reverse("eservices:application", args=[application.reference])
    ).content.decode()
    assert 'aria-current="step"' in tracking
    assert "รับคำขอ" in tracking


def test_submitting_with_answers_missing_links_to_the_pages_to_complete(
    browser: Client,
) -> None:
    application = start(browser)
    response = browser.post(
        reverse("eservices:check", args=[application.reference]),
        {"declaration": "yes"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        section_url(application.reference, "household")
        + "?return=check#id_household_size"
        in html
    )
    assert section_url(application.reference, "documents") in html
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_another_citizens_application_is_not_found(
    browser: Client,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    application = start(browser)
    stranger = client_for(make_user())
    for url in (
        reverse("eservices:application", args=[application.reference]),
        section_url(application.reference, "applicant"),
        reverse("eservices:check", args=[application.reference]),
    ):
        assert stranger.get(url).status_code == 404
    posted = stranger.post(
        section_url(application.reference, "applicant"), {"full_name": "x"}
    )
    assert posted.status_code == 404
    application.refresh_from_db()
    assert application.answers.get("full_name") == "สมศรี ใจดี"


def test_the_applicant_answers_a_return_with_a_new_document(
    browser: Client, make_staff: Callable[[Role, str], User]
) -> None:
    application = start(browser)
    fill_all(browser, application)
    browser.post(
        reverse("eservices:check", args=[application.reference]),
        {"declaration": "yes"},
    )
    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    application.refresh_from_db()
    application_act(
        application=application,
        action=Action.RETURN,
        actor=officer,
        message="ขอรูปถ่ายสภาพบ้านเพิ่มเติม",
    )
    tracking_url = reverse("eservices:application", args=[application.reference])
    page = browser.get(tracking_url).content.decode()
    assert "ขอรูปถ่ายสภาพบ้านเพิ่มเติม" in page
    assert section_url(application.reference, "documents") in page
    upload = SimpleUploadedFile("home.png", PNG, "image/png")
    response = save(
        browser,
        application,
        "documents",
        {"house_photos": upload, "continue": "1", "return": "check"},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(field_key="house_photos").count() == 1
    answered = browser.post(
        reverse("eservices:resubmit", args=[application.reference]),
        {"message": "ส่งรูปแล้วค่ะ"},
    )
    assert answered.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.request_to_applicant == ""
    assert AuditEvent.objects.filter(action="eservices.application.resubmit").exists()
    assert "ส่งรูปแล้วค่ะ" in browser.get(tracking_url).content.decode()


def test_the_pages_work_in_english(browser: Client) -> None:
    application = start(browser)
    page = browser.get(
        english_section_url(application.reference, "household")
    ).content.decode()
    assert "People in the household" in page
    assert "Add another row" in page
    assert "Save draft and leave" in page
    assert re.search(r'<html lang="en"', page)


# --- Issue 13, finding 1: staff who may read a case may not fill it in -------------

NEW_PAYMENT = {
    "bank_account__bank": "014",
    "bank_account__number": "987-6-54321-0",
    "continue": "1",
}


@pytest.fixture
def recorded(
    builtin_services: None,
    applicant: User,
    make_staff: Callable[[Role, str], User],
) -> Application:
    """A complete draft a counter officer recorded at the counter."""
    from saduak.areas.models import Office
    from saduak.eservices.models import Service
    from saduak.eservices.services.applications import (
        application_save,
        application_start,
    )
    from saduak.eservices.tests.conftest import attach, complete_answers

    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    application = application_start(
        service=Service.objects.get(code=LOW_INCOME),
        applicant=applicant,
        office=Office.objects.get(code="do-5001"),
        actor=officer,
        channel="counter",
    )
    application_save(
        application=application, values=complete_answers(applicant), actor=officer
    )
    attach(application)
    return application


def _payout(application: Application) -> dict[str, str]:
    application.refresh_from_db()
    return application.answers["bank_account"]


@pytest.mark.parametrize(
    ("role", "seat"),
    [
        (Role.AUDITOR, "hq"),
        (Role.FINANCE_OFFICER, "pao-50"),
        (Role.PROVINCIAL_STAFF, "pao-50"),
    ],
)
def test_staff_who_only_read_a_recorded_case_cannot_change_the_payout_account_or_send_it(
    recorded: Application,
    make_staff: Callable[[Role, str], User],
    client_for: Callable[[User], Client],
    role: Role,
    seat: str,
) -> None:
    reader = client_for(make_staff(role, seat))
    before = AuditEvent.objects.count()

    assert reader.get(section_url(recorded.reference, "payment")).status_code == 403
    changed = save(reader, recorded, "payment", NEW_PAYMENT)
    sent = reader.post(
        reverse("eservices:check", args=[recorded.reference]), {"declaration": "yes"}
    )

    assert changed.status_code == sent.status_code == 403
    assert _payout(recorded) == {"bank": "006", "number": "1234567890"}
    assert recorded.status == ApplicationStatus.DRAFT
    assert AuditEvent.objects.count() == before


def test_a_district_admin_fills_in_a_recorded_case_but_never_a_citizens_own(
    recorded: Application,
    browser: Client,
    make_staff: Callable[[Role, str], User],
    client_for: Callable[[User], Client],
) -> None:
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    own = start(browser)
    fill_all(browser, own)

    refused = save(admin, own, "payment", NEW_PAYMENT)
    changed = save(admin, recorded, "payment", NEW_PAYMENT)

    assert refused.status_code == 403
    assert _payout(own) == {"bank": "006", "number": "1234567890"}
    assert changed.status_code == 302
    assert _payout(recorded) == {"bank": "014", "number": "9876543210"}
    assert AuditEvent.objects.filter(
        action="eservices.application.save", target_id=str(recorded.pk)
    ).exists()
