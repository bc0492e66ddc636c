"""Demo complaints for the local demo (`seed_demo`): the national category
tree, and complaints in Mueang Chiang Mai (and one in Chom Thong) at every
state, so the citizen's tracking page, the officers' queue, the province's
view, the dashboards and the public figures all have something to show.
Made through the same services as real ones; the overdue ones are then moved
back in time (their dates only) and escalated by the real job, and the
report rollups are recounted to match."""

from datetime import timedelta

from saduak.accounts.models import User
from saduak.areas.models import District, Office, Subdistrict
from saduak.complaints.choices import Channel, Outcome
from saduak.complaints.links import tracking_url
from saduak.complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from saduak.complaints.report_rollups import report_rollups_recount
from saduak.complaints.services import complainant, handling
from saduak.complaints.services.categories import complaint_categories_load
from saduak.complaints.services.escalation import complaints_escalate
from saduak.complaints.services.intake import (
    Contact,
    Where,
    complaint_file,
    complaint_record_for_citizen,
)

ACTOR = "command:seed_demo"


def _where(district: str = "5001", index: int = 0, address: str = "") -> Where:
    subdistricts = list(
        Subdistrict.objects.filter(district_id=district).order_by("code")[: index + 1]
    )
    return Where(
        district=District.objects.get(code=district),
        subdistrict=subdistricts[min(index, len(subdistricts) - 1)],
        address=address,
    )


def _backdate(complaint: Complaint, days: int) -> None:
    """Moves a complaint's dates `days` days back, as if filed then (its
    timeline's first line too); the rollups are recounted afterwards."""
    delta = timedelta(days=days)
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=complaint.received_at - delta,
        acknowledge_due=complaint.acknowledge_due - delta,
        resolve_due=complaint.resolve_due - delta,
        hq_escalation_due=complaint.hq_escalation_due - delta,
    )
    ComplaintEvent.objects.filter(complaint=complaint).update(
        at=complaint.received_at - delta
    )


def complaints_seed_demo(*, citizen: User, officer: User, province: User) -> list[str]:
    """Complaints at every state: received, accepted, in progress, forwarded,
    resolved, closed (resolved and rated, not within authority, no action
    possible, withdrawn, duplicate), reopened, transferred, taken over by the
    province, and overdue (escalated to the province and to HQ). `officer`
    handles complaints of Mueang Chiang Mai (a district admin of do-5001),
    `province` is provincial staff of Chiang Mai. Does
    nothing when the citizen already has complaints. Returns lines for the
    demo's printout."""
    if Complaint.objects.filter(complainant=citizen).exists():
        return []
    if not ComplaintCategory.objects.exists():
        complaint_categories_load(actor=ACTOR)
    category = {
        code: ComplaintCategory.objects.get(code=code)
        for code in (
            "road-damage",
            "street-lights",
            "garbage",
            "electricity-supply",
            "noise",
            "land-dispute",
            "informal-debt",
            "stray-animals",
            "drainage-flooding",
        )
    }
    line_person = Contact(name="ผู้ใช้ LINE", line_user_id="U" + "d" * 32)
    caller = Contact(name="นายสมปอง โทรมา", phone="0812223333")

    received = complaint_file(
        citizen=citizen,
        category=category["road-damage"],
        attribute_answers={"hazard": "yes"},
        description="ถนนซอยวัดเกตมีหลุมลึกกลางถนน รถจักรยานยนต์ล้มไปแล้วสองคัน",
        where=_where(address="ซอยวัดเกต ถนนเจริญราษฎร์"),
    )
    duplicate = complaint_file(
        citizen=None,
        category=category["road-damage"],
        attribute_answers={"hazard": "yes"},
        description="หลุมลึกกลางถนนซอยวัดเกต รถจักรยานยนต์ล้ม",
        where=_where(address="ซอยวัดเกต"),
        contact=Contact(name="สมหญิง", phone="0819998888"),
    )
    handling.complaint_merge(duplicate=duplicate, into=received, officer=officer)
    accepted = handling.complaint_accept(
        complaint=complaint_file(
            citizen=None,
            category=category["street-lights"],
            description="ไฟส่องสว่างริมถนนดับทั้งแนว ตั้งแต่หน้าโรงเรียนถึงสามแยก",
            where=_where(index=1),
            channel=Channel.LINE,
            contact=line_person,
        ),
        officer=officer,
    )
    in_progress = handling.complaint_start(
        complaint=complaint_record_for_citizen(
            officer=officer,
            office=Office.objects.get(code="ddc-5001"),
            channel=Channel.HOTLINE,
            category=category["garbage"],
            description="ขยะไม่ได้รับการจัดเก็บมาหนึ่งสัปดาห์ ส่งกลิ่นเหม็น",
            where=_where(index=2),
            contact=caller,
        ),
        officer=officer,
    )
    forwarded = handling.complaint_forward(
        complaint=complaint_file(
            citizen=citizen,
            category=category["electricity-supply"],
            description="ไฟฟ้าดับบ่อยทุกเย็น หมู่บ้านทั้งหมู่",
            where=_where(index=1),
        ),
        officer=officer,
        agency="การไฟฟ้าส่วนภูมิภาคอำเภอเมืองเชียงใหม่",
        text="ขอให้ตรวจสอบหม้อแปลงไฟฟ้าของหมู่บ้าน",
    )
    resolved = handling.complaint_resolve(
        complaint=complaint_file(
            citizen=citizen,
            category=category["stray-animals"],
            description="สุนัขจรจัดหลายตัวไล่กัดเด็กนักเรียนหน้าโรงเรียน",
            where=_where(),
        ),
        officer=officer,
        text="ปศุสัตว์อำเภอนำสุนัขไปฉีดวัคซีนและทำหมัน และย้ายไปศูนย์พักพิงแล้ว",
    )
    rated = handling.complaint_resolve(
        complaint=complaint_file(
            citizen=citizen,
            category=category["noise"],
            description="ร้านอาหารเปิดเพลงเสียงดังเกินเที่ยงคืนทุกคืน",
            where=_where(index=2),
        ),
        officer=officer,
        text="เจ้าหน้าที่ตักเตือนร้านแล้ว ร้านรับปากปิดเพลงก่อน 22.00 น.",
    )
    rated = complainant.complaint_confirm_resolved(complaint=rated, citizen=citizen)
    rated = complainant.complaint_rate(
        complaint=rated, citizen=citizen, stars=5, comment="ดำเนินการรวดเร็ว ขอบคุณครับ"
    )
    not_ours = handling.complaint_close(
        complaint=complaint_file(
            citizen=None,
            category=category["land-dispute"],
            description="เพื่อนบ้านสร้างรั้วล้ำเข้ามาในที่ดินของข้าพเจ้า",
            where=_where(),
            contact=Contact(phone="0861112222"),
        ),
        officer=officer,
        outcome=Outcome.NOT_WITHIN_AUTHORITY,
        text="เป็นข้อพิพาททางแพ่ง แนะนำให้ยื่นคำร้องต่อสำนักงานที่ดินเพื่อรังวัด",
    )
    no_action = handling.complaint_close(
        complaint=complaint_file(
            citizen=None,
            category=category["noise"],
            description="มีเสียงดังจากที่ไหนไม่ทราบ",
            where=_where(),
            contact=Contact(phone="0863334444"),
        ),
        officer=officer,
        outcome=Outcome.NO_ACTION_POSSIBLE,
        text="ตรวจสอบพื้นที่แล้วไม่พบแหล่งเสียง และติดต่อผู้ร้องไม่ได้",
    )
    withdrawn = complainant.complaint_withdraw(
        complaint=complaint_file(
            citizen=citizen,
            category=category["drainage-flooding"],
            description="ท่อระบายน้ำหน้าบ้านอุดตัน",
            where=_where(),
        ),
        citizen=citizen,
        reason="เทศบาลมาลอกท่อแล้ว",
    )
    reopened = handling.complaint_resolve(
        complaint=complaint_file(
            citizen=citizen,
            category=category["drainage-flooding"],
            description="น้ำท่วมขังหน้าตลาดทุกครั้งที่ฝนตก",
            where=_where(index=1),
        ),
        officer=officer,
        text="ลอกท่อระบายน้ำแล้ว",
    )
    reopened = complainant.complaint_confirm_resolved(
        complaint=reopened, citizen=citizen
    )
    reopened = complainant.complaint_reopen(
        complaint=reopened, citizen=citizen, reason="ฝนตกเมื่อวานน้ำก็ยังท่วมขังเหมือนเดิม"
    )
    transferred = handling.complaint_transfer(
        complaint=complaint_file(
            citizen=None,
            category=category["road-damage"],
            attribute_answers={"hazard": "yes"},
            description="สะพานไม้ข้ามลำห้วยผุพัง เดินข้ามไม่ได้",
            where=_where(),
            contact=Contact(phone="0875556666"),
        ),
        officer=officer,
        to_district=District.objects.get(code="5002"),
        reason="สะพานอยู่ในเขตอำเภอจอมทอง",
    )
    to_province = complaint_file(
        citizen=None,
        category=category["informal-debt"],
        description="ถูกเจ้าหนี้นอกระบบข่มขู่ทวงหนี้ ดอกเบี้ยร้อยละ 20 ต่อเดือน",
        where=_where(index=2),
        contact=Contact(name="ผู้ร้อง", phone="0897778888"),
    )
    to_hq = complaint_file(
        citizen=None,
        category=category["road-damage"],
        attribute_answers={"hazard": "yes"},
        description="ถนนลูกรังเข้าหมู่บ้านเป็นหลุมบ่อ ร้องมาหลายครั้งแล้ว",
        where=_where(index=1),
        contact=Contact(phone="0890001111"),
    )
    handling.complaint_accept(complaint=to_hq, officer=officer)
    _backdate(to_province, 10)
    _backdate(to_hq, 60)
    complaints_escalate()
    taken_over = handling.complaint_take_over(
        complaint=Complaint.objects.get(pk=to_province.pk),
        officer=province,
        reason="เรื่องหนี้นอกระบบ จังหวัดติดตามร่วมกับตำรวจ",
    )
    report_rollups_recount()
    shown = [
        ("received (with a duplicate merged in)", received),
        ("accepted (from LINE)", accepted),
        ("in progress (1567 hotline)", in_progress),
        ("forwarded to another agency", forwarded),
        ("resolved, to confirm", resolved),
        ("closed and rated", rated),
        ("closed: not within authority", not_ours),
        ("closed: no action possible", no_action),
        ("closed: withdrawn", withdrawn),
        ("closed: duplicate", duplicate),
        ("reopened", reopened),
        ("transferred to Chom Thong", transferred),
        ("taken over by the province, overdue", taken_over),
        ("overdue, escalated to HQ", Complaint.objects.get(pk=to_hq.pk)),
    ]
    return [
        f"  {label:<40} {complaint.reference}  {tracking_url(complaint.tracking_token)}"
        for label, complaint in shown
    ]
