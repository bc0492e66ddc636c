"""Every text the official account sends, in one place so that it is easy to
review. LINE tells the bot nothing of the person's language, so each reply is
written in Thai first and English on the line after (not through gettext: the
chat has no language to pick one by)."""

from saduak.areas.models import Office
from saduak.core.thai import FiscalYear
from saduak.feedback.selectors.index import HappinessIndex

# LINE cuts a quick-reply button's label at 20 characters: Thai only there, and
# both languages in the text the tap writes into the chat.
FACE_LABELS = {
    1: ("😞 ไม่พอใจมาก", "Very unhappy"),
    2: ("🙁 ไม่พอใจ", "Unhappy"),
    3: ("😐 เฉย ๆ", "Neither happy nor unhappy"),
    4: ("🙂 พอใจ", "Happy"),
    5: ("😄 พอใจมาก", "Very happy"),
}


def bilingual(thai: str, english: str) -> str:
    return f"{thai}\n{english}"


def _names(office: Office) -> tuple[str, str]:
    return office.name_th, office.name_en or office.name_th


def face_label(score: int) -> str:
    return FACE_LABELS[score][0]


def face_display_text(score: int) -> str:
    thai, english = FACE_LABELS[score]
    return f"{thai} ({score}/5) · {english}"


def ask_for_score(office: Office, counter: int | None) -> str:
    thai_name, english_name = _names(office)
    if counter is not None:
        thai_name = f"{thai_name} ช่องบริการ {counter}"
        english_name = f"{english_name}, counter {counter}"
    return bilingual(
        f"วันนี้บริการที่{thai_name}เป็นอย่างไรบ้าง? แตะหน้าที่ตรงกับความรู้สึกด้านล่าง",
        f"How was the service at {english_name}? Tap a face below.",
    )


def thanks(
    *,
    office: Office,
    index: HappinessIndex,
    year: FiscalYear,
    replaced: bool,
    held: bool,
    results_url: str,
    results_of_district: bool,
) -> str:
    thai_name, english_name = _names(office)
    lines = [
        bilingual(
            f"ขอบคุณที่ประเมิน{thai_name} 🙏",
            f"Thank you for rating {english_name}.",
        )
    ]
    if held:
        lines.append(
            bilingual(
                "มีการประเมินจากแหล่งเดียวกันจำนวนมากผิดปกติ คะแนนของคุณจึงรอ"
                "เจ้าหน้าที่ตรวจสอบก่อนนับ",
                "An unusual number of votes came at once, so yours will be counted "
                "after a moderator has looked at them.",
            )
        )
    elif replaced:
        lines.append(
            bilingual(
                "คะแนนนี้แทนคะแนนที่คุณให้ไว้ก่อนหน้าในวันนี้",
                "This replaces the vote you gave earlier today.",
            )
        )
    if index.mean is None:
        lines.append(
            bilingual(
                f"ดัชนีความสุขปีงบประมาณ {year.be_year}: ยังไม่มีคะแนนที่นับแล้ว",
                f"Happiness index, fiscal year {year.be_year}: no votes counted yet.",
            )
        )
    else:
        lines.append(
            bilingual(
                f"ดัชนีความสุขปีงบประมาณ {year.be_year}: {index.mean:.2f} จาก 5 "
                f"({index.votes:,} เสียง)",
                f"Happiness index, fiscal year {year.be_year}: {index.mean:.2f} out "
                f"of 5 ({index.votes:,} votes).",
            )
        )
    if results_of_district:
        label = bilingual("ดูผลของอำเภอ:", "See the district's results:")
    else:
        label = bilingual("ดูอันดับดัชนีความสุข:", "See the happiness ranking:")
    lines.append(f"{label}\n{results_url}")
    return "\n\n".join(lines)


HOW_TO_VOTE = bilingual(
    "ประเมินความพึงพอใจได้ง่าย ๆ: สแกนคิวอาร์โค้ดที่สำนักงานหรือที่ช่องบริการ "
    "หรือพิมพ์คำว่า ประเมิน ตามด้วยรหัสสำนักงานที่อยู่บนโปสเตอร์ เช่น ประเมิน do-1001",
    "To rate a service, scan the QR code at the office or at the counter, or send "
    "vote and the office code printed on the poster, for example: vote do-1001",
)

WELCOME = (
    bilingual(
        "ยินดีต้อนรับสู่อำเภอสร้างสุข 😄 บอกเราได้ว่าวันนี้บริการของสำนักงานเป็นอย่างไร "
        "คะแนนของคุณไม่ระบุตัวตน และนับหนึ่งเสียงต่อสำนักงานต่อวัน",
        "Welcome to Amphoe Sang Suk. Tell us how the office served you today: votes are "
        "anonymous, and one vote per office a day counts.",
    )
    + "\n\n"
    + HOW_TO_VOTE
)


def unknown_office(code: str) -> str:
    return bilingual(
        f"ไม่พบสำนักงานรหัส {code} กรุณาสแกนคิวอาร์โค้ดที่สำนักงานอีกครั้ง",
        f"There is no office with code {code}. Scan the QR code at the office again.",
    )


def unknown_counter(counter: int | None) -> str:
    return bilingual(
        f"สำนักงานนี้ไม่มีช่องบริการ {counter} กรุณาสแกนคิวอาร์โค้ดที่ช่องบริการอีกครั้ง",
        f"This office has no counter {counter}. Scan the QR code at the counter again.",
    )


BAD_SCORE = bilingual(
    "อ่านคำตอบนี้ไม่ได้ กรุณาแตะหน้าใดหน้าหนึ่งในห้าหน้า (1 ไม่พอใจมาก ถึง 5 พอใจมาก) "
    "หรือส่งรหัสสำนักงานอีกครั้ง",
    "This answer could not be read. Tap one of the five faces (1 very unhappy to 5 "
    "very happy), or send the office code again.",
)

UNREADABLE_ANSWER = bilingual(
    "อ่านคำตอบนี้ไม่ได้ กรุณาส่งรหัสสำนักงานอีกครั้งแล้วแตะหน้าที่ตรงกับความรู้สึก",
    "This answer could not be read. Send the office code again and tap a face.",
)


def too_many_votes(minutes: int) -> str:
    return bilingual(
        f"มีการประเมินมากเกินไปในเวลาสั้น ๆ กรุณาลองใหม่ในอีก {minutes} นาที",
        f"Too many votes in a short time. Try again in {minutes} minutes.",
    )


NOT_RECORDED = bilingual(
    "ไม่สามารถบันทึกคะแนนได้ในขณะนี้ กรุณาลองใหม่อีกครั้ง",
    "Your vote could not be recorded. Please try again.",
)


def complaint_form(link: str) -> str:
    """The answer to "ร้องเรียน" / "complaint": the complaint form in LINE."""
    return (
        bilingual(
            "ร้องเรียนหรือร้องทุกข์ต่อศูนย์ดำรงธรรมอำเภอ: แตะลิงก์เพื่อกรอกแบบฟอร์ม "
            "แนบรูปและตำแหน่งได้ เราจะแจ้งเลขที่เรื่องและความคืบหน้าทางไลน์นี้",
            "To file a complaint with the district's Damrongdham center, tap the link and "
            "fill in the form (photos and your location welcome). We send the reference "
            "and every answer in this chat.",
        )
        + f"\n{link}"
    )
