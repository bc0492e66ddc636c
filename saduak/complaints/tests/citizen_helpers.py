"""What the citizen pages' tests share: a small category tree with a question,
a photo, a filled-in form, and an officer of Mueang Chiang Mai."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from saduak.complaints.choices import AttributeDatatype
from saduak.complaints.models import CategoryAttribute, ComplaintCategory


def make_tree() -> dict[str, ComplaintCategory]:
    """Two groups; "road" asks where on the road (a list), "noise" nothing."""
    public_works = ComplaintCategory.objects.create(
        code="public-works", name_th="สาธารณูปโภค", name_en="Public works", sort_order=1
    )
    nuisance = ComplaintCategory.objects.create(
        code="nuisance", name_th="เหตุรำคาญ", name_en="Nuisance", sort_order=2
    )
    road = ComplaintCategory.objects.create(
        code="road-damaged",
        parent=public_works,
        name_th="ถนนชำรุด",
        name_en="Damaged road",
        acknowledge_days=1,
        resolve_days=15,
    )
    noise = ComplaintCategory.objects.create(
        code="noise",
        parent=nuisance,
        name_th="เสียงดัง",
        name_en="Noise",
    )
    CategoryAttribute.objects.create(
        category=road,
        code="lane",
        datatype=AttributeDatatype.SINGLEVALUELIST,
        required=True,
        description_th="ชำรุดที่ช่องทางใด",
        description_en="Which lane is damaged?",
        values=[
            {"key": "left", "name_th": "ช่องซ้าย", "name_en": "Left lane"},
            {"key": "right", "name_th": "ช่องขวา", "name_en": "Right lane"},
        ],
    )
    return {"road": road, "noise": noise, "group": public_works}


def photo(name: str = "pothole.png") -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_a_photo() -> SimpleUploadedFile:
    """Text dressed up as a JPEG: its name and type claim a photo."""
    return SimpleUploadedFile(
        "photo.jpg", b"this is not a picture at all\n" * 20, content_type="image/jpeg"
    )


DESCRIPTION = "ถนนหน้าตลาดเป็นหลุมลึก รถจักรยานยนต์ล้มไปแล้วสองคัน"


def filing(**changes: Any) -> dict[str, Any]:
    """The form as a signed-in citizen fills it in for the road category."""
    data: dict[str, Any] = {
        "category": "road-damaged",
        "q_lane": "left",
        "description": DESCRIPTION,
        "province": "50",
        "district": "5001",
        "subdistrict": "500101",
        "address": "หน้าตลาดวโรรส",
        "latitude": "18.790100",
        "longitude": "98.999200",
        "happened_on": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
