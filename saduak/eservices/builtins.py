"""The three subsidies of the social-welfare bureau, shipped as built-in services
(installed after every `migrate`). They share the department's five steps and
most of the form; each adds what its own assessment needs."""

from typing import Any

from saduak.accounts.choices import Role
from saduak.eservices.choices import Action, StageKind

BUREAU = {"th": "สำนักส่งเสริมและพัฒนาสวัสดิการสังคม", "en": "Social Welfare Bureau"}
BANK_BOOK_TYPES = ["pdf", "jpg", "png"]


def text(thai: str, english: str) -> dict[str, str]:
    return {"th": thai, "en": english}


def choice(value: str, thai: str, english: str) -> dict[str, Any]:
    return {"value": value, "label": text(thai, english)}


def field(key: str, kind: str, label: dict[str, str], **options: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": label, "required": True, **options}


def five_steps() -> dict[str, Any]:
    """Intake, fact check, committee, payment, closed. Intake and fact check
    may return the case to the applicant or reject it with a reason; payment
    returns it when the bank refused the transfer (a wrong account)."""
    office = [Role.COUNTER_OFFICER, Role.DISTRICT_ADMIN]
    stages = [
        ("intake", StageKind.INTAKE, text("รับคำขอ", "Intake"), office, 3),
        (
            "fact_check",
            StageKind.FACT_CHECK,
            text("ตรวจสอบข้อเท็จจริง", "Fact check"),
            office,
            7,
        ),
        (
            "committee",
            StageKind.COMMITTEE,
            text("คณะกรรมการพิจารณา", "Committee consideration"),
            [Role.DISTRICT_ADMIN],
            15,
        ),
        (
            "payment",
            StageKind.PAYMENT,
            text("จ่ายเงิน", "Payment"),
            # Finance staff handle payments (payment.manage in the matrix).
            [Role.FINANCE_OFFICER],
            7,
        ),
        ("closed", StageKind.END, text("ปิดเรื่อง", "Closed"), [], 0),
    ]
    transitions = [
        ("intake", Action.FORWARD, "fact_check"),
        ("intake", Action.RETURN, "intake"),
        ("intake", Action.REJECT, "closed"),
        ("fact_check", Action.FORWARD, "committee"),
        ("fact_check", Action.RETURN, "fact_check"),
        ("fact_check", Action.REJECT, "closed"),
        ("committee", Action.APPROVE, "payment"),
        ("committee", Action.REJECT, "closed"),
        ("payment", Action.PAY, "closed"),
        ("payment", Action.RETURN, "payment"),
    ]
    return {
        "stages": [
            {
                "code": code,
                "kind": str(kind),
                "name": name,
                "roles": [str(role) for role in roles],
                "target_days": days,
            }
            for code, kind, name, roles, days in stages
        ],
        "transitions": [
            {"from": source, "action": str(action), "to": target}
            for source, action, target in transitions
        ],
    }


def applicant_section() -> dict[str, Any]:
    return {
        "key": "applicant",
        "title": text("ผู้ยื่นคำขอ", "Applicant"),
        "fields": [
            field(
                "full_name", "text", text("ชื่อ-นามสกุล", "Full name"), prefill="full_name"
            ),
            field(
                "personal_id",
                "personal_id",
                text("เลขประจำตัวประชาชน", "Personal ID"),
                prefill="personal_id",
            ),
            field(
                "birth_date",
                "date",
                text("วันเกิด", "Date of birth"),
                prefill="birth_date",
            ),
            field(
                "phone", "phone", text("โทรศัพท์มือถือ", "Mobile phone"), prefill="phone"
            ),
            field(
                "email",
                "email",
                text("อีเมล", "E-mail"),
                prefill="email",
                required=False,
            ),
            field(
                "address",
                "address",
                text("ที่อยู่ปัจจุบัน", "Current address"),
                help=text(
                    "ที่ที่เจ้าหน้าที่จะไปเยี่ยมบ้าน",
                    "Where the officer will make the home visit.",
                ),
            ),
        ],
    }


def household_section() -> dict[str, Any]:
    return {
        "key": "household",
        "title": text("ครัวเรือน", "Household"),
        "fields": [
            field(
                "household_size",
                "number",
                text("จำนวนคนในครัวเรือน", "People in the household"),
                min=1,
                max=30,
            ),
            field(
                "monthly_income",
                "money",
                text("รายได้ครัวเรือนต่อเดือน (บาท)", "Household income a month (THB)"),
                min=0,
                max=1000000,
            ),
            field(
                "income_source",
                "choice",
                text("รายได้หลักมาจาก", "Main source of income"),
                choices=[
                    choice("none", "ไม่มีรายได้", "No income"),
                    choice("wage", "รับจ้างรายวัน", "Daily wages"),
                    choice("farming", "เกษตรกรรม", "Farming"),
                    choice("trade", "ค้าขาย", "Trade"),
                    choice("allowance", "เบี้ยยังชีพ", "State allowance"),
                    choice("other", "อื่น ๆ", "Other"),
                ],
            ),
            field(
                "income_source_other",
                "text",
                text("รายได้อื่น ๆ คือ", "Other source of income"),
                show_if={"field": "income_source", "equals": "other"},
                max_length=200,
            ),
            field(
                "dependants",
                "multichoice",
                text("ผู้ที่ต้องดูแลในครัวเรือน", "Dependants in the household"),
                required=False,
                choices=[
                    choice("newborn", "เด็กแรกเกิด", "Newborn"),
                    choice("disabled", "คนพิการ", "Person with a disability"),
                    choice("elderly", "ผู้สูงอายุ", "Elderly person"),
                    choice("sick", "ผู้ป่วยเรื้อรัง", "Chronically ill person"),
                ],
            ),
            field(
                "housing",
                "choice",
                text("ที่อยู่อาศัย", "Housing"),
                choices=[
                    choice("own", "บ้านของตนเอง", "Own home"),
                    choice("rent", "เช่า", "Rented"),
                    choice("relatives", "อาศัยผู้อื่น", "Living with others"),
                    choice("dilapidated", "บ้านทรุดโทรม", "Dilapidated home"),
                    choice("none", "ไม่มีที่อยู่อาศัย", "No home"),
                ],
            ),
            field(
                "has_welfare_card",
                "yesno",
                text("มีบัตรสวัสดิการแห่งรัฐ", "Holds a state welfare card"),
            ),
            field(
                "members",
                "table",
                text("สมาชิกในครัวเรือน", "Household members"),
                required=False,
                max_rows=15,
                columns=[
                    field("name", "text", text("ชื่อ-นามสกุล", "Name"), max_length=200),
                    field(
                        "relation", "text", text("ความสัมพันธ์", "Relation"), max_length=60
                    ),
                    field("age", "number", text("อายุ", "Age"), min=0, max=130),
                ],
            ),
        ],
    }


def request_section(extra: list[dict[str, Any]], ceiling: int) -> dict[str, Any]:
    return {
        "key": "request",
        "title": text("คำขอ", "Request"),
        "fields": [
            field(
                "reason",
                "textarea",
                text("ความเดือดร้อนและเหตุผลที่ขอรับการช่วยเหลือ", "Hardship and reason"),
                max_length=3000,
            ),
            *extra,
            field(
                "requested_amount",
                "money",
                text("จำนวนเงินที่ขอ (บาท)", "Amount requested (THB)"),
                min=1,
                max=ceiling,
                help=text(f"ไม่เกิน {ceiling:,} บาท", f"At most {ceiling:,} THB."),
            ),
        ],
    }


def payment_and_declaration(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "key": "payment",
            "title": text("บัญชีรับเงิน", "Bank account for the payment"),
            "fields": [
                field(
                    "bank_account",
                    "bank_account",
                    text("บัญชีธนาคารของผู้ยื่นคำขอ", "Applicant's bank account"),
                    help=text(
                        "ต้องเป็นบัญชีชื่อของผู้ยื่นคำขอ", "The account must be in your name."
                    ),
                ),
            ],
        },
        {
            "key": "documents",
            "title": text("เอกสาร", "Documents"),
            "fields": [
                field(
                    "bank_book",
                    "file",
                    text("หน้าสมุดบัญชีธนาคาร", "First page of the bank book"),
                    file_types=BANK_BOOK_TYPES,
                    max_size_mb=10,
                    max_files=1,
                ),
                *documents,
                field(
                    "house_photos",
                    "file",
                    text("รูปถ่ายสภาพบ้าน", "Photos of the home"),
                    required=False,
                    file_types=["jpg", "png", "heic", "webp"],
                    max_size_mb=10,
                    max_files=3,
                ),
            ],
        },
        {
            "key": "declaration",
            "title": text("คำรับรอง", "Declaration"),
            "fields": [
                field(
                    "declaration",
                    "declaration",
                    text(
                        "ข้าพเจ้าขอรับรองว่าข้อความข้างต้นเป็นความจริง และยินยอมให้"
                        "เจ้าหน้าที่ตรวจสอบข้อมูลกับทะเบียนราษฎรและระบบข้อมูลทางสังคม",
                        "I declare that the above is true and I consent to the "
                        "officers checking it against the civil registry and the "
                        "social-service case system.",
                    ),
                ),
            ],
        },
    ]


def manual(
    eligibility: dict[str, str], ceiling: int, documents: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "eligibility": eligibility,
        "steps": [
            text(
                "ยื่นคำขอออนไลน์ ที่อำเภอ หรือผ่านหน่วยงานที่ส่งต่อ",
                "Apply online, at the district office or through a referring agency.",
            ),
            text(
                "เจ้าหน้าที่ตรวจสอบตัวตนด้วยบัตรประชาชนและเยี่ยมบ้าน",
                "An officer checks your identity with your ID card and visits your home.",
            ),
            text("คณะกรรมการพิจารณาและอนุมัติ", "The committee considers and decides."),
            text(
                "โอนเงินเข้าบัญชีธนาคารและแจ้งทาง SMS",
                "The money is transferred to your bank account; you get an SMS.",
            ),
            text(
                "ติดตามสถานะได้ทางออนไลน์ตลอดเวลา", "Follow the status online at any time."
            ),
        ],
        "processing_days": 32,
        "documents": [
            text(
                "บัตรประจำตัวประชาชน (แสดงเท่านั้น ไม่ต้องถ่ายสำเนา)",
                "Your ID card (shown only; no photocopies).",
            ),
            text("หน้าสมุดบัญชีธนาคารของผู้ยื่นคำขอ", "The first page of your bank book."),
            *documents,
        ],
        "fees": text("ไม่มีค่าธรรมเนียม", "No fee."),
        "amount": text(f"ไม่เกิน {ceiling:,} บาทต่อครั้ง", f"Up to {ceiling:,} THB a time."),
        "legal_basis": text(
            "พระราชบัญญัติส่งเสริมการจัดสวัสดิการสังคม พ.ศ. ๒๕๔๖ และระเบียบว่าด้วยการจ่ายเงินสงเคราะห์",
            "Social Welfare Promotion Act B.E. 2546 and the rules on assistance payments.",
        ),
        "complaints": text(
            "ศูนย์ดำรงธรรมอำเภอ หรือสายด่วน ๑๕๖๗",
            "The district Damrongdham center, or the 1567 hotline.",
        ),
    }


MEDICAL_CERTIFICATE = field(
    "medical_certificate",
    "file",
    text("ใบรับรองแพทย์หรือเอกสารการรักษา", "Medical certificate or treatment record"),
    file_types=["pdf", "jpg", "png"],
    max_size_mb=10,
    max_files=2,
    help=text(
        "ข้อมูลสุขภาพเป็นข้อมูลอ่อนไหว เข้ารหัสและเปิดได้เฉพาะเจ้าหน้าที่ผู้รับผิดชอบ",
        "Health data is sensitive: it is encrypted and only the officers in charge can open it.",
    ),
)


def _subsidy(
    code: str,
    name: dict[str, str],
    summary: dict[str, str],
    eligibility: dict[str, str],
    ceiling: int,
    request_extra: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    manual_documents: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "summary": summary,
        "bureau": BUREAU,
        "manual": manual(eligibility, ceiling, manual_documents),
        "form": {
            "sections": [
                applicant_section(),
                household_section(),
                request_section(request_extra, ceiling),
                *payment_and_declaration(documents),
            ]
        },
        "workflow": five_steps(),
    }


BUILTIN_SERVICES: list[dict[str, Any]] = [
    _subsidy(
        "low-income-family-assistance",
        text(
            "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อยและผู้ไร้ที่พึ่ง",
            "Assistance for low-income families and the destitute",
        ),
        text(
            "เงินช่วยเหลือครอบครัวที่เดือดร้อน รายได้น้อย หรือไม่มีที่พึ่ง",
            "Money for families in hardship, on a low income or with nobody to turn to.",
        ),
        text(
            "ครอบครัวที่มีรายได้ต่ำกว่า ๓,๐๐๐ บาทต่อเดือนหรือไม่มีรายได้ หรือมีผู้ต้องดูแล",
            "Families earning under 3,000 THB a month or nothing, or caring for dependants.",
        ),
        3000,
        [],
        [],
        [],
    ),
    _subsidy(
        "hiv-family-assistance",
        text(
            "เงินสงเคราะห์ผู้ติดเชื้อเอชไอวีและครอบครัว",
            "Assistance for people living with HIV and their families",
        ),
        text(
            "เงินช่วยเหลือผู้ติดเชื้อเอชไอวีและครอบครัวที่เดือดร้อน",
            "Money for people living with HIV and their families in hardship.",
        ),
        text(
            "ผู้ติดเชื้อเอชไอวีหรือครอบครัวที่ประสบความเดือดร้อน",
            "People living with HIV, or their families, in hardship.",
        ),
        3000,
        [
            field(
                "treatment_place",
                "text",
                text("สถานพยาบาลที่รับการรักษา", "Where you are treated"),
                max_length=200,
            )
        ],
        [MEDICAL_CERTIFICATE],
        [
            text(
                "ใบรับรองแพทย์หรือเอกสารการรักษา",
                "A medical certificate or treatment record.",
            )
        ],
    ),
    _subsidy(
        "hiv-women-occupational-capital",
        text(
            "เงินทุนประกอบอาชีพสำหรับสตรีที่ได้รับผลกระทบจากเอชไอวี",
            "Occupational capital for women affected by HIV",
        ),
        text(
            "เงินทุนเริ่มต้นหรือขยายอาชีพสำหรับสตรีที่ได้รับผลกระทบจากเอชไอวี",
            "Capital to start or grow an occupation, for women affected by HIV.",
        ),
        text(
            "สตรีที่ติดเชื้อหรือได้รับผลกระทบจากเอชไอวี ที่ต้องการประกอบอาชีพ",
            "Women living with or affected by HIV who want to earn a living.",
        ),
        10000,
        [
            field(
                "occupation_plan",
                "textarea",
                text(
                    "อาชีพที่จะทำและแผนการใช้เงิน",
                    "The occupation and how the money will be used",
                ),
                max_length=3000,
            ),
            field(
                "equipment",
                "table",
                text("รายการวัสดุอุปกรณ์", "Equipment and materials"),
                required=False,
                max_rows=20,
                columns=[
                    field("item", "text", text("รายการ", "Item"), max_length=200),
                    field(
                        "cost",
                        "money",
                        text("ราคา (บาท)", "Cost (THB)"),
                        min=0,
                        max=10000,
                    ),
                ],
            ),
        ],
        [MEDICAL_CERTIFICATE],
        [
            text(
                "ใบรับรองแพทย์หรือเอกสารการรักษา",
                "A medical certificate or treatment record.",
            )
        ],
    ),
]
