import pytest

from saduak.feedback.masking import mask_comment


@pytest.mark.parametrize(
    "text",
    [
        "เลขบัตร 1100000000016 ครับ",
        "เลขบัตร 1-1000-00000-01-6 ครับ",
        "เลขบัตร ๑๑๐๐๐๐๐๐๐๐๐๑๖ ครับ",
        "โทร 0812345678",
        "โทร 081-234-5678",
        "call +66 81 234 5678",
        "บ้าน 02 123 4567",
        "mail somchai.k@example.co.th",
    ],
)
def test_personal_data_is_masked(text):
    masked = mask_comment(text)
    assert masked.has_personal_data and not masked.has_abuse
    digits = [c for c in masked.text if c.isdigit()]
    assert len(digits) <= 2 and "@example" not in masked.text


def test_ordinary_numbers_and_words_stay():
    masked = mask_comment("รอ 15 นาที ได้คิวที่ 3 บริการดีมาก อยู่ห่างไกล")
    assert masked.text == "รอ 15 นาที ได้คิวที่ 3 บริการดีมาก อยู่ห่างไกล"
    assert not masked.has_personal_data and not masked.has_abuse


def test_abusive_words_are_masked_as_whole_words():
    masked = mask_comment("เจ้าหน้าที่ ควาย มาก")
    assert masked.has_abuse and "ควาย" not in masked.text and "เจ้าหน้าที่" in masked.text
