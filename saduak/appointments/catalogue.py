"""The national catalogue Saduak ships: the registration services of district
registry offices, with their citizen's manuals. HQ edits them afterwards in the
admin (fees and rules change by ministerial regulation; check before going live).
`manage.py load_services` adds the ones missing and leaves edited ones alone."""

from decimal import Decimal
from typing import Any

from saduak.appointments.choices import ServiceGroup

COMPLAINTS_TH = "ศูนย์ดำรงธรรมอำเภอ หรือสายด่วนศูนย์ดำรงธรรม 1567"
COMPLAINTS_EN = "The district Damrongdham center, or the Damrongdham hotline 1567"
ID_CARD_ACT_TH = "พระราชบัญญัติบัตรประจำตัวประชาชน พ.ศ. 2526 และที่แก้ไขเพิ่มเติม"
ID_CARD_ACT_EN = "Identification Card Act B.E. 2526, as amended"
REGISTRATION_ACT_TH = "พระราชบัญญัติการทะเบียนราษฎร พ.ศ. 2534 และที่แก้ไขเพิ่มเติม"
REGISTRATION_ACT_EN = "Civil Registration Act B.E. 2534, as amended"
CARD_STEPS_TH = (
    "รับบัตรคิว หรือแสดงคิวอาร์โค้ดการจองที่ตู้รับบัตรคิว\n"
    "เจ้าหน้าที่ตรวจสอบข้อมูลกับฐานข้อมูลทะเบียนราษฎร\n"
    "ถ่ายรูป พิมพ์ลายนิ้วมือ และตรวจสอบข้อมูลบนบัตร\n"
    "รับบัตรประจำตัวประชาชน"
)
CARD_STEPS_EN = (
    "Take a ticket, or show your booking's QR code at the kiosk\n"
    "The officer checks your details in the civil registry\n"
    "Photo, fingerprints and a check of what the card will say\n"
    "Receive your ID card"
)
NO_COPIES_TH = "สำเนาบัตรประจำตัวประชาชน\nสำเนาทะเบียนบ้าน"
NO_COPIES_EN = "Copies of your ID card\nCopies of the house registration"

SERVICES: list[dict[str, Any]] = [
    {
        "code": "id-card-first",
        "group": ServiceGroup.ID_CARD,
        "name_th": "ทำบัตรประจำตัวประชาชนครั้งแรก",
        "name_en": "First ID card (age 7 and over)",
        "steps_th": CARD_STEPS_TH,
        "steps_en": CARD_STEPS_EN,
        "documents_th": "สูติบัตร (ถ้ามี)\nบิดา มารดา หรือผู้ปกครอง มาด้วยสำหรับผู้อายุต่ำกว่า 15 ปี",
        "documents_en": "Birth certificate, if you have it\nA parent or guardian, for anyone under 15",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("0"),
        "fee_note_th": "ไม่เสียค่าธรรมเนียม",
        "fee_note_en": "Free",
        "processing_minutes": 20,
        "legal_basis_th": ID_CARD_ACT_TH,
        "legal_basis_en": ID_CARD_ACT_EN,
        "sort_order": 10,
    },
    {
        "code": "id-card-renewal",
        "group": ServiceGroup.ID_CARD,
        "name_th": "ทำบัตรใหม่ กรณีบัตรหมดอายุ",
        "name_en": "New ID card when the old one expires",
        "steps_th": CARD_STEPS_TH,
        "steps_en": CARD_STEPS_EN,
        "documents_th": "บัตรประจำตัวประชาชนใบเดิม",
        "documents_en": "Your old ID card",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("0"),
        "fee_note_th": "ไม่เสียค่าธรรมเนียม หากยื่นภายใน 60 วันนับแต่วันที่บัตรหมดอายุ",
        "fee_note_en": "Free within 60 days of the expiry date",
        "processing_minutes": 15,
        "legal_basis_th": ID_CARD_ACT_TH,
        "legal_basis_en": ID_CARD_ACT_EN,
        "sort_order": 20,
    },
    {
        "code": "id-card-replacement",
        "group": ServiceGroup.ID_CARD,
        "name_th": "ทำบัตรใหม่ กรณีบัตรหาย ชำรุด หรือเปลี่ยนชื่อ-สกุล",
        "name_en": "Replacement ID card: lost, damaged or a new name",
        "steps_th": CARD_STEPS_TH,
        "steps_en": CARD_STEPS_EN,
        "documents_th": "บัตรใบเดิมที่ชำรุด (ถ้ามี)\nหลักฐานการเปลี่ยนชื่อ (หากเปลี่ยนชื่อที่อำเภออื่น)",
        "documents_en": "The damaged card, if you have it\nProof of a name change made at another district",
        "not_needed_th": NO_COPIES_TH + "\nใบแจ้งความบัตรหาย (แจ้งกับเจ้าหน้าที่ได้ที่สำนักทะเบียน)",
        "not_needed_en": NO_COPIES_EN
        + "\nA police report of the loss (tell the officer instead)",
        "fee": Decimal("100"),
        "fee_note_th": "100 บาท",
        "fee_note_en": "100 baht",
        "processing_minutes": 20,
        "legal_basis_th": ID_CARD_ACT_TH,
        "legal_basis_en": ID_CARD_ACT_EN,
        "sort_order": 30,
    },
    {
        "code": "house-move-in",
        "group": ServiceGroup.HOUSE_REGISTRATION,
        "name_th": "แจ้งย้ายเข้า",
        "name_en": "Register a move into a house",
        "steps_th": "รับบัตรคิว\nเจ้าบ้านยินยอมให้ย้ายเข้า\nเจ้าหน้าที่บันทึกการย้ายในทะเบียนบ้าน",
        "steps_en": "Take a ticket\nThe head of the household agrees\nThe officer records the move",
        "documents_th": "ใบแจ้งการย้ายที่อยู่ (ท.ร.6) ตอนที่ 2\nเจ้าบ้าน หรือหนังสือยินยอมของเจ้าบ้าน",
        "documents_en": "The moving-out form (Tor.Ror.6), part 2\nThe head of the household, or their written consent",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("0"),
        "fee_note_th": "ไม่เสียค่าธรรมเนียม (แจ้งภายใน 15 วันนับแต่วันย้ายเข้า)",
        "fee_note_en": "Free (within 15 days of moving in)",
        "processing_minutes": 15,
        "legal_basis_th": REGISTRATION_ACT_TH,
        "legal_basis_en": REGISTRATION_ACT_EN,
        "sort_order": 10,
    },
    {
        "code": "house-move-out",
        "group": ServiceGroup.HOUSE_REGISTRATION,
        "name_th": "แจ้งย้ายออก",
        "name_en": "Register a move out of a house",
        "steps_th": "รับบัตรคิว\nเจ้าหน้าที่ตรวจสอบทะเบียนบ้าน\nรับใบแจ้งการย้ายที่อยู่",
        "steps_en": "Take a ticket\nThe officer checks the house registration\nReceive the moving-out form",
        "documents_th": "เจ้าบ้าน หรือหนังสือมอบหมายจากเจ้าบ้าน",
        "documents_en": "The head of the household, or their written authorisation",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("0"),
        "fee_note_th": "ไม่เสียค่าธรรมเนียม",
        "fee_note_en": "Free",
        "processing_minutes": 10,
        "legal_basis_th": REGISTRATION_ACT_TH,
        "legal_basis_en": REGISTRATION_ACT_EN,
        "sort_order": 20,
    },
    {
        "code": "house-move-destination",
        "group": ServiceGroup.HOUSE_REGISTRATION,
        "name_th": "แจ้งย้ายปลายทาง (ย้ายออกและเข้าในครั้งเดียว)",
        "name_en": "Move out and in at once, at the new district",
        "steps_th": "รับบัตรคิว\nเจ้าหน้าที่ตรวจสอบทะเบียนบ้านทั้งสองแห่ง\nบันทึกการย้ายเข้าทะเบียนบ้านใหม่",
        "steps_en": "Take a ticket\nThe officer checks both houses' registrations\nThe move is recorded in the new house",
        "documents_th": "เจ้าบ้านของบ้านที่ย้ายเข้า หรือหนังสือยินยอม",
        "documents_en": "The head of the new household, or their written consent",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("5"),
        "fee_note_th": "5 บาท",
        "fee_note_en": "5 baht",
        "processing_minutes": 20,
        "legal_basis_th": REGISTRATION_ACT_TH,
        "legal_basis_en": REGISTRATION_ACT_EN,
        "sort_order": 30,
    },
    {
        "code": "birth-registration",
        "group": ServiceGroup.CIVIL_STATUS,
        "name_th": "แจ้งเกิด",
        "name_en": "Register a birth",
        "steps_th": "รับบัตรคิว\nเจ้าหน้าที่ตรวจหนังสือรับรองการเกิด\nรับสูติบัตร",
        "steps_en": "Take a ticket\nThe officer checks the hospital's birth notice\nReceive the birth certificate",
        "documents_th": "หนังสือรับรองการเกิด (ท.ร.1/1) จากโรงพยาบาล",
        "documents_en": "The hospital's birth notice (Tor.Ror.1/1)",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("0"),
        "fee_note_th": "ไม่เสียค่าธรรมเนียม (แจ้งภายใน 15 วันนับแต่วันเกิด)",
        "fee_note_en": "Free (within 15 days of the birth)",
        "processing_minutes": 20,
        "legal_basis_th": REGISTRATION_ACT_TH,
        "legal_basis_en": REGISTRATION_ACT_EN,
        "sort_order": 10,
    },
    {
        "code": "death-registration",
        "group": ServiceGroup.CIVIL_STATUS,
        "name_th": "แจ้งตาย",
        "name_en": "Register a death",
        "steps_th": "รับบัตรคิว\nเจ้าหน้าที่ตรวจหนังสือรับรองการตาย\nรับมรณบัตร",
        "steps_en": "Take a ticket\nThe officer checks the death notice\nReceive the death certificate",
        "documents_th": "หนังสือรับรองการตาย (ท.ร.4/1) จากโรงพยาบาล (ถ้ามี)\nบัตรประจำตัวประชาชนของผู้ตาย (ถ้ามี)",
        "documents_en": "The hospital's death notice (Tor.Ror.4/1), if any\nThe ID card of the deceased, if any",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("0"),
        "fee_note_th": "ไม่เสียค่าธรรมเนียม",
        "fee_note_en": "Free",
        "processing_minutes": 20,
        "legal_basis_th": REGISTRATION_ACT_TH,
        "legal_basis_en": REGISTRATION_ACT_EN,
        "sort_order": 20,
    },
    {
        "code": "name-change",
        "group": ServiceGroup.CIVIL_STATUS,
        "name_th": "ขอเปลี่ยนชื่อตัว",
        "name_en": "Change your first name",
        "steps_th": "รับบัตรคิว\nยื่นคำขอเปลี่ยนชื่อ (ช.1)\nนายทะเบียนพิจารณา\nรับหนังสือสำคัญการเปลี่ยนชื่อ (ช.3)",
        "steps_en": "Take a ticket\nFile the request (Chor.1)\nThe registrar decides\nReceive the certificate (Chor.3)",
        "documents_th": "ชื่อใหม่ที่ต้องการ (ไม่เกิน 3 ชื่อ เรียงตามลำดับ)",
        "documents_en": "The new name you want (up to three, in order of preference)",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("50"),
        "fee_note_th": "ค่าหนังสือสำคัญ 50 บาท",
        "fee_note_en": "50 baht for the certificate",
        "processing_minutes": 30,
        "legal_basis_th": "พระราชบัญญัติชื่อบุคคล พ.ศ. 2505 และที่แก้ไขเพิ่มเติม",
        "legal_basis_en": "Personal Names Act B.E. 2505, as amended",
        "sort_order": 30,
    },
    {
        "code": "certified-copy",
        "group": ServiceGroup.CERTIFICATES,
        "name_th": "คัดและรับรองสำเนาเอกสารทะเบียนราษฎร",
        "name_en": "Certified copies of civil registration records",
        "steps_th": "รับบัตรคิว\nแจ้งเอกสารที่ต้องการ\nรับสำเนาที่รับรองแล้ว",
        "steps_en": "Take a ticket\nSay which records you need\nReceive the certified copies",
        "documents_th": "หนังสือมอบอำนาจ หากขอเอกสารของผู้อื่น",
        "documents_en": "A power of attorney, for someone else's records",
        "not_needed_th": NO_COPIES_TH,
        "not_needed_en": NO_COPIES_EN,
        "fee": Decimal("10"),
        "fee_note_th": "ฉบับละ 10 บาท",
        "fee_note_en": "10 baht a copy",
        "processing_minutes": 10,
        "legal_basis_th": REGISTRATION_ACT_TH,
        "legal_basis_en": REGISTRATION_ACT_EN,
        "sort_order": 10,
    },
]
for _entry in SERVICES:
    _entry.setdefault("complaints_th", COMPLAINTS_TH)
    _entry.setdefault("complaints_en", COMPLAINTS_EN)
