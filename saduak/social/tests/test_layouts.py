"""Each source's layout (layouts.py)."""

from saduak.social.choices import SourceKind
from saduak.social.facts import FACTS
from saduak.social.layouts import (
    BOOLEAN_WORDS,
    LAYOUTS,
    fixed_columns,
    header_key,
    headers_match,
)


def test_every_source_has_a_layout_with_the_key_columns_first():
    assert set(LAYOUTS) == set(SourceKind.values)
    for layout in LAYOUTS.values():
        assert [c.target for c in layout.columns[:4]] == [
            "personal_id",
            "house_code",
            "full_name",
            "subdistrict_code",
        ]


def test_every_fact_a_layout_names_is_a_fact_and_headers_are_unique():
    for layout in LAYOUTS.values():
        for column in layout.facts:
            assert column.target in FACTS
        keys = [header_key(h) for column in layout.columns for h in column.headers]
        assert len(keys) == len(set(keys)), layout.kind


def test_the_fixed_width_layout_adds_up_and_leaves_names_out():
    layout = LAYOUTS[SourceKind.WELFARE_CARD]
    widths = sum(column.width for column in fixed_columns(layout))
    assert widths == layout.fixed_width == 106
    assert "subdistrict_name" not in [c.target for c in fixed_columns(layout)]
    assert layout.fixed_slices()[0] == (0, 13)


def test_a_header_matches_in_thai_or_english_and_names_what_is_missing():
    layout = LAYOUTS[SourceKind.WELFARE_CARD]
    positions, missing = headers_match(
        layout, ["\ufeffPersonal ID", "รหัสบ้าน", "ตำบล", "Card_Holder", "รายได้ต่อเดือน"]
    )
    assert positions == {
        "personal_id": 0,
        "house_code": 1,
        "subdistrict_name": 2,
        "has_welfare_card": 3,
        "monthly_income": 4,
    }
    assert missing == []
    _positions, missing = headers_match(layout, ["personal_id"])
    assert {c.target for c in missing} == {
        "house_code",
        "has_welfare_card",
        "monthly_income",
        "subdistrict_code",
    }


def test_yes_and_no_words_do_not_overlap():
    assert not set(BOOLEAN_WORDS[True]) & set(BOOLEAN_WORDS[False])
