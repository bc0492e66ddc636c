"""The citizen's complaint pages through the test client: filing (signed in and
not), the bad input the issue names (each a precise message, a 4xx and nothing
stored), the tracking page and the complainant's actions, "my complaints"."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.complaints.choices import Channel, ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from saduak.complaints.services import handling
from saduak.complaints.tests.citizen_helpers import (
    DESCRIPTION,
    filing,
    make_tree,
    not_a_photo,
    photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def thai_urls():  # type: ignore[no-untyped-def]
    """reverse() gives the Thai pages, whatever a page before left active."""
    with translation.override("th"):
        yield


def th(message: str) -> str:
    with translation.override("th"):
        return translation.gettext(message)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


@pytest.fixture
def tree(small_map):  # type: ignore[no-untyped-def]
    return make_tree()


@pytest.fixture
def officer(make_staff):  # type: ignore[no-untyped-def]
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


@pytest.fixture
def signed_in(citizen, client_for):  # type: ignore[no-untyped-def]
    return client_for(citizen)


def file_as(client: Client, **changes) -> Complaint:  # type: ignore[no-untyped-def]
    response = client.post(reverse("complaints:file"), filing(**changes))
    assert response.status_code == 302, text_of(response)
    return Complaint.objects.order_by("-id").first()  # type: ignore[return-value]


def closed(complaint: Complaint, officer) -> Complaint:  # type: ignore[no-untyped-def]
    handling.complaint_resolve(
        complaint=complaint, officer=officer, text="ซ่อมถนนเรียบร้อยแล้ว"
    )
    complaint.refresh_from_db()
    handling.complaint_close(
        complaint=complaint,
        officer=officer,
        outcome=Outcome.RESOLVED,
        text="ปิดเรื่อง",
    )
    complaint.refresh_from_db()
    return complaint


# --- the landing page and the home tile --------------------------------------------


def test_the_home_page_complaints_tile_leads_to_the_complaints_page(client, db):
    response = client.get("/")
    assert f'href="{reverse("complaints:landing")}"' in text_of(response)


def test_the_landing_page_says_what_the_center_does_and_how_to_file(client, db):
    response = client.get(reverse("complaints:landing"))

    page = text_of(response)
    assert response.status_code == 200
    assert th("Complaints and petitions") in page
    assert f'href="{reverse("complaints:file")}"' in page
    assert th("Follow a complaint") in page
    # Not signed in: no "my complaints" list.
    assert th("All my complaints") not in page


def test_the_landing_page_lists_a_signed_in_citizens_own_complaints(
    tree, signed_in, client_for, make_user
):
    mine = file_as(signed_in)
    other = file_as(client_for(make_user()), description="อีกเรื่องหนึ่ง")

    page = text_of(signed_in.get(reverse("complaints:landing")))

    assert mine.reference in page
    assert other.reference not in page


def test_the_english_landing_page_is_under_en(client, db):
    response = client.get("/en/complaints/")
    assert response.status_code == 200
    assert "Complaints and petitions" in text_of(response)


# --- filing -----------------------------------------------------------------------


def test_the_form_groups_the_categories_under_their_parents(tree, signed_in):
    page = text_of(signed_in.get(reverse("complaints:file")))

    assert '<optgroup label="สาธารณูปโภค">' in page
    assert '<option value="road-damaged">ถนนชำรุด</option>' in page
    # A group is not itself a choice.
    assert 'value="public-works"' not in page
    # Signed in: no contact fields.
    assert 'name="contact_phone"' not in page


def test_the_chosen_categorys_questions_are_asked(tree, client):
    response = client.get(reverse("complaints:questions"), {"category": "road-damaged"})

    page = text_of(response)
    assert "ชำรุดที่ช่องทางใด" in page
    assert 'name="q_lane"' in page
    assert "ช่องซ้าย" in page
    assert (
        text_of(
            client.get(reverse("complaints:questions"), {"category": "noise"})
        ).strip()
        == ""
    )


def test_a_signed_in_citizen_files_with_a_photo_and_gets_the_reference(
    tree, citizen, signed_in
):
    response = signed_in.post(
        reverse("complaints:file"), {**filing(), "documents": [photo()]}
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse(
        "complaints:filed", args=[complaint.tracking_token]
    )
    assert complaint.complainant == citizen
    assert complaint.channel == Channel.WEB
    assert complaint.category == tree["road"]
    assert complaint.description == DESCRIPTION
    assert complaint.subdistrict_id == "500101"
    assert complaint.district_id == "5001"
    assert str(complaint.latitude) == "18.790100"
    assert complaint.address == "หน้าตลาดวโรรส"
    assert complaint.attribute_answers == {"lane": "left"}
    assert complaint.show_name is False
    assert complaint.office.code == "ddc-5001"
    [attachment] = ComplaintAttachment.objects.filter(complaint=complaint)
    assert attachment.original_name == "pothole.png"
    assert attachment.content_type == "image/png"

    page = text_of(signed_in.get(response["Location"]))
    assert complaint.reference in page
    assert f"/complaints/t/{complaint.tracking_token}/" in page
    assert th("Keep your tracking link") in page


def test_a_citizen_without_an_account_files_with_a_mobile_number(tree, client):
    response = client.post(
        reverse("complaints:file"),
        filing(
            contact_name="สมศรี ใจดี",
            contact_phone="081-234-5678",
            show_name="on",
        ),
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant is None
    assert complaint.contact_phone == "0812345678"
    assert complaint.contact_name == "สมศรี ใจดี"
    assert complaint.show_name is True
    page = text_of(client.get(response["Location"]))
    assert th("We have also sent it to you by SMS.") in page


def test_without_an_account_a_mobile_number_is_required(tree, client):
    response = client.post(reverse("complaints:file"), filing())

    assert response.status_code == 400
    assert th("Enter a mobile number: it is how we tell you about your complaint.") in (
        text_of(response)
    )
    assert not Complaint.objects.exists()


def test_a_number_that_is_not_a_thai_mobile_is_refused(tree, client):
    response = client.post(
        reverse("complaints:file"), filing(contact_phone="02-123-4567")
    )

    assert response.status_code == 400
    assert "is not a Thai mobile number" in text_of(
        client.post("/en/complaints/new/", filing(contact_phone="02-123-4567"))
    )
    assert not Complaint.objects.exists()


def test_a_missing_location_is_refused_and_nothing_is_stored(tree, signed_in):
    response = signed_in.post(
        reverse("complaints:file"),
        filing(
            province="",
            district="",
            subdistrict="",
            address="",
            latitude="",
            longitude="",
        ),
    )

    assert response.status_code == 400
    assert th(
        "Choose the district where it happened: your complaint goes to that "
        "district's Damrongdham center."
    ) in text_of(response)
    assert not Complaint.objects.exists()


def test_a_point_without_a_district_is_not_enough(tree, signed_in):
    response = signed_in.post(
        reverse("complaints:file"),
        filing(province="", district="", subdistrict="", address=""),
    )

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_description_of_4001_characters_is_refused(tree, signed_in):
    response = signed_in.post(
        reverse("complaints:file"), filing(description="ก" * 4001)
    )

    assert response.status_code == 400
    assert th("Write at most 4,000 characters: your text has %(show_value)d.") % {
        "show_value": 4001
    } in text_of(response)
    assert not Complaint.objects.exists()


def test_4000_characters_are_accepted(tree, signed_in):
    complaint = file_as(signed_in, description="ก" * 4000)
    assert len(complaint.description) == 4000


def test_an_unknown_category_is_refused(tree, signed_in):
    response = signed_in.post(
        reverse("complaints:file"), filing(category="no-such-thing")
    )

    assert response.status_code == 400
    assert th("Choose what your complaint is about from the list.") in text_of(response)
    assert not Complaint.objects.exists()


def test_a_group_is_not_a_category_to_file_under(tree, signed_in):
    response = signed_in.post(
        reverse("complaints:file"), filing(category="public-works")
    )

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_required_question_must_be_answered(tree, signed_in):
    response = signed_in.post(reverse("complaints:file"), filing(q_lane=""))

    assert response.status_code == 400
    assert "ชำรุดที่ช่องทางใด" in text_of(response)
    assert not Complaint.objects.exists()


def test_a_subdistrict_of_another_district_is_refused(tree, signed_in):
    response = signed_in.post(
        reverse("complaints:file"), filing(district="5002", subdistrict="500101")
    )

    assert response.status_code == 400
    assert th("This subdistrict is not in the district you chose.") in text_of(response)
    assert not Complaint.objects.exists()


def test_a_day_in_the_future_is_refused(tree, signed_in):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = signed_in.post(
        reverse("complaints:file"), filing(happened_on=tomorrow.isoformat())
    )

    assert response.status_code == 400
    assert th("The day it happened cannot be in the future.") in text_of(response)
    assert not Complaint.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    tree, signed_in
):
    response = signed_in.post(
        "/en/complaints/new/", {**filing(), "documents": [not_a_photo()]}
    )

    assert response.status_code == 400
    assert (
        "“photo.jpg”: This file&#x27;s type is not accepted here. Upload one of: "
        "JPG, PNG, WebP, PDF."
    ) in text_of(response)
    assert not Complaint.objects.exists()
    assert not ComplaintAttachment.objects.exists()


def test_a_double_tap_with_the_same_form_is_stored_once(tree, signed_in):
    data = {**filing(), "idempotency_key": "double-tap-key-1"}
    first = signed_in.post(reverse("complaints:file"), data)
    second = signed_in.post(reverse("complaints:file"), data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Complaint.objects.count() == 1


def test_the_same_complaint_sent_twice_within_a_minute_is_stored_once(tree, signed_in):
    first = signed_in.post(
        reverse("complaints:file"), {**filing(), "idempotency_key": "tab-one-key-1"}
    )
    second = signed_in.post(
        reverse("complaints:file"), {**filing(), "idempotency_key": "tab-two-key-2"}
    )

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.filter(kind=EventKind.FILED).count() == 1


def test_without_javascript_the_form_refreshes_the_lists_and_files_nothing(
    tree, client
):
    response = client.post(
        reverse("complaints:file"),
        {"province": "50", "category": "road-damaged", "refresh": "1"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert '<option value="5001">เมืองเชียงใหม่</option>' in page
    assert 'name="q_lane"' in page
    assert 'class="error-summary"' not in page
    assert not Complaint.objects.exists()


def test_the_area_pickers_list_districts_and_subdistricts(small_map, client):
    districts = text_of(client.get(reverse("complaints:areas"), {"province": "50"}))
    subdistricts = text_of(
        client.get(reverse("complaints:areas"), {"district": "5001"})
    )
    nothing = client.get(reverse("complaints:areas"), {"province": "99'"})

    assert '<option value="5001">เมืองเชียงใหม่</option>' in districts
    assert '<option value="500101">ศรีภูมิ</option>' in subdistricts
    assert nothing.status_code == 200
    assert '<option value="' not in text_of(nothing).replace('<option value="">', "")


# --- following it -----------------------------------------------------------------


def test_the_tracking_link_shows_the_public_timeline_and_never_internal_notes(
    tree, client, signed_in, officer
):
    complaint = file_as(signed_in)
    handling.complaint_note_add(
        complaint=complaint, officer=officer, text="บันทึกภายใน ห้ามเผยแพร่"
    )
    handling.complaint_answer(
        complaint=complaint, officer=officer, text="เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว"
    )

    response = client.get(reverse("complaints:track", args=[complaint.tracking_token]))

    page = text_of(response)
    assert response.status_code == 200
    assert complaint.reference in page
    assert "เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว" in page
    assert "บันทึกภายใน" not in page
    assert "ศูนย์ดำรงธรรม" in page  # the holder office
    assert "pothole.png" not in page  # none was attached here
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_unknown_tracking_token_is_404(tree, client):
    response = client.get(reverse("complaints:track", args=["x" * 40]))
    assert response.status_code == 404


def test_the_tracking_page_lists_the_attachments(tree, signed_in):
    signed_in.post(reverse("complaints:file"), {**filing(), "documents": [photo()]})
    complaint = Complaint.objects.get()

    page = text_of(
        signed_in.get(reverse("complaints:track", args=[complaint.tracking_token]))
    )

    assert "pothole.png" in page
    [link] = re.findall(r'href="(/complaints/documents/t/[^"]+)"', page)
    download = signed_in.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == photo().read()


def test_rating_before_closing_is_refused_with_the_reason(tree, client, signed_in):
    complaint = file_as(signed_in)

    with translation.override("en"):
        url = reverse("complaints:track-act", args=[complaint.tracking_token, "rate"])
    response = client.post(url, {"stars": "5"})

    assert response.status_code == 409
    assert (
        '<p class="complaint-refusal">You can rate the handling once the complaint '
        "is closed.</p>"
    ) in text_of(response)
    complaint.refresh_from_db()
    assert complaint.rating is None
    assert not complaint.events.filter(kind=EventKind.RATED).exists()


def test_a_second_rating_is_refused(tree, client, signed_in, officer):
    complaint = closed(file_as(signed_in), officer)
    url = reverse("complaints:track-act", args=[complaint.tracking_token, "rate"])
    client.post(url, {"stars": "2"})

    response = client.post("/en" + url, {"stars": "5"})

    assert response.status_code == 409
    assert "You have already rated the handling of this complaint." in text_of(response)
    complaint.refresh_from_db()
    assert complaint.rating == 2


def test_a_rating_outside_1_to_5_is_refused(tree, client, signed_in, officer):
    complaint = closed(file_as(signed_in), officer)

    response = client.post(
        reverse("complaints:track-act", args=[complaint.tracking_token, "rate"]),
        {"stars": "6"},
    )

    assert response.status_code == 400
    assert th("Choose from 1 to 5 stars.") in text_of(response)
    complaint.refresh_from_db()
    assert complaint.rating is None


def test_the_complainant_rates_after_closing_with_the_tracking_link(
    tree, client, signed_in, officer
):
    complaint = closed(file_as(signed_in), officer)

    response = client.post(
        reverse("complaints:track-act", args=[complaint.tracking_token, "rate"]),
        {"stars": "4", "comment": "รวดเร็วดี"},
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.rating == 4
    assert complaint.rating_comment == "รวดเร็วดี"
    page = text_of(client.get(response["Location"]))
    assert th("Thank you for your rating.") in page


def test_the_complainant_reopens_within_30_days_with_a_reason(tree, signed_in, officer):
    complaint = closed(file_as(signed_in), officer)

    response = signed_in.post(
        reverse("complaints:act", args=[complaint.reference, "reopen"]),
        {"reason": "ถนนกลับมาเป็นหลุมอีกแล้ว"},
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REOPENED
    assert complaint.events.filter(kind=EventKind.REOPENED).exists()


def test_a_reopen_needs_a_reason(tree, signed_in, officer):
    complaint = closed(file_as(signed_in), officer)

    response = signed_in.post(
        reverse("complaints:act", args=[complaint.reference, "reopen"]), {"reason": " "}
    )

    assert response.status_code == 400
    assert th("Say why you reopen the complaint.") in text_of(response)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED


def test_a_reopen_after_30_days_is_refused_with_the_reason(
    tree, client, signed_in, officer
):
    complaint = closed(file_as(signed_in), officer)
    Complaint.objects.filter(pk=complaint.pk).update(
        closed_at=timezone.now() - timedelta(days=31)
    )

    response = client.post(
        "/en"
        + reverse("complaints:track-act", args=[complaint.tracking_token, "reopen"]),
        {"reason": "ถนนกลับมาเป็นหลุมอีกแล้ว"},
    )

    assert response.status_code == 409
    assert (
        "A complaint can be reopened within 30 days of closing; this one closed on"
        in text_of(response)
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert not complaint.events.filter(kind=EventKind.REOPENED).exists()


def test_a_reopen_of_someone_elses_complaint_is_refused(
    tree, signed_in, client_for, make_user, officer
):
    complaint = closed(file_as(signed_in), officer)
    stranger = client_for(make_user())

    response = stranger.post(
        reverse("complaints:act", args=[complaint.reference, "reopen"]),
        {"reason": "ลองเปิดเรื่องของคนอื่น"},
    )

    assert response.status_code == 404
    assert th("You have no complaint with the reference %(reference)s.") % {
        "reference": complaint.reference
    } in text_of(response)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert (
        stranger.get(
            reverse("complaints:detail", args=[complaint.reference])
        ).status_code
        == 404
    )


def test_the_complainant_confirms_the_problem_is_solved(
    tree, client, signed_in, officer
):
    complaint = file_as(signed_in)
    handling.complaint_resolve(complaint=complaint, officer=officer, text="ซ่อมแล้ว")

    page = text_of(
        client.get(reverse("complaints:track", args=[complaint.tracking_token]))
    )
    assert th("Yes, it is solved") in page
    response = client.post(
        reverse("complaints:track-act", args=[complaint.tracking_token, "confirm"])
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.outcome == Outcome.RESOLVED


def test_the_complainant_withdraws_an_open_complaint(tree, signed_in):
    complaint = file_as(signed_in)

    response = signed_in.post(
        reverse("complaints:act", args=[complaint.reference, "withdraw"]),
        {"reason": "ตกลงกันได้แล้ว"},
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.outcome == Outcome.WITHDRAWN


def test_an_unknown_action_is_404(tree, client, signed_in):
    complaint = file_as(signed_in)
    response = client.post(f"/complaints/t/{complaint.tracking_token}/delete/")
    assert response.status_code == 404


def test_my_complaints_lists_only_mine(tree, signed_in, client_for, make_user, client):
    mine = file_as(signed_in)
    other = file_as(client_for(make_user()), description="เรื่องของคนอื่น")

    page = text_of(signed_in.get(reverse("complaints:mine")))

    assert mine.reference in page
    assert other.reference not in page
    assert client.get(reverse("complaints:mine")).status_code == 302


def test_find_opens_the_tracking_page_from_a_pasted_link(tree, client, signed_in):
    complaint = file_as(signed_in)
    link = f"https://saduak.example/complaints/t/{complaint.tracking_token}/"

    response = client.get(reverse("complaints:find"), {"q": f"  {link} "})

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "complaints:track", args=[complaint.tracking_token]
    )


def test_find_by_reference_needs_the_owner_signed_in(tree, client, signed_in):
    complaint = file_as(signed_in)

    anonymous = client.get(reverse("complaints:find"), {"q": complaint.reference})
    owner = signed_in.get(
        reverse("complaints:find"), {"q": complaint.reference.lower()}
    )

    assert anonymous.status_code == 400
    assert th(
        "A reference alone is enough only when you are signed in. Sign in, or paste "
        "the tracking link we sent you."
    ) in text_of(anonymous)
    assert owner.status_code == 302
    assert owner["Location"] == reverse("complaints:detail", args=[complaint.reference])


def test_find_with_a_made_up_link_says_so(tree, client):
    response = client.get(
        reverse("complaints:find"),
        {"q": "https://x.example/complaints/t/" + "a" * 30 + "/"},
    )

    assert response.status_code == 400
    assert th(
        "This tracking link is not one of ours. Copy the whole link from the SMS or "
        "LINE message we sent you."
    ) in text_of(response)


def test_a_merged_complaints_page_follows_the_one_it_was_merged_into(
    tree, client, signed_in, client_for, make_user, officer
):
    first = file_as(client_for(make_user()), description="ถนนหน้าตลาดเป็นหลุม")
    duplicate = file_as(signed_in)
    handling.complaint_merge(duplicate=duplicate, into=first, officer=officer)
    first.refresh_from_db()
    handling.complaint_answer(
        complaint=first, officer=officer, text="กำลังซ่อมถนนหน้าตลาด"
    )

    page = text_of(
        client.get(reverse("complaints:track", args=[duplicate.tracking_token]))
    )

    assert (
        th(
            "The same problem was already reported: your complaint is followed with "
            "complaint %(reference)s, whose answers you get too."
        )
        % {"reference": first.reference}
        in page
    )
    assert "กำลังซ่อมถนนหน้าตลาด" in page
    # A merged complaint is neither rated nor reopened, nor withdrawn.
    assert th("Send my rating") not in page
    assert th("Reopen the complaint") not in page
    assert th("Withdraw the complaint") not in page
