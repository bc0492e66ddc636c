from decimal import Decimal
from typing import Any

import geothai
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from conftest import SMALL_MAP
from saduak.accounts.choices import Role
from saduak.areas.geography import AreaRow
from saduak.areas.sync import areas_sync
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.performance.choices import BreakdownLevel, ImportStatus, RoundStatus
from saduak.performance.models import BreakdownImport, BreakdownRow, KpiResult, Round
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.services.imports import (
    breakdown_import_confirm,
    breakdown_import_discard,
    breakdown_import_read,
)
from saduak.performance.services.results import result_record
from saduak.performance.tests.factories import SYSTEM, Built, after, framework_built

D = Decimal
HEADER = "อำเภอ,จังหวัด,ตัวตั้ง,ตัวหาร"


def csv_file(*lines: str, encoding: str = "utf-8", name: str = "ผลงาน.csv") -> Any:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding))


@pytest.fixture
def province(small_map: None) -> Built:
    """Chiang Mai's framework; KPI 1.1 is broken down by district."""
    return framework_built(
        unit_level="province", unit_code="50", breakdown_level=BreakdownLevel.DISTRICT
    )


def read(built: Built, upload: Any, actor: Any = SYSTEM, months: int = 6) -> Any:
    return breakdown_import_read(
        actor=actor,
        result=result_get_or_new(built.kpis["1.1"], built.rounds[months]),
        upload=upload,
    )


def by_line(imported: BreakdownImport) -> dict[int, dict[str, Any]]:
    return {row["line"]: row for row in imported.rows}


def test_a_file_is_read_matched_and_kept_pending_without_touching_the_breakdown(
    province: Built,
) -> None:
    imported = read(
        province,
        csv_file(
            HEADER,
            "อ.เมือง,จ.เชียงใหม่,30,40",
            "อำเภอจอมทอน,เชียงใหม่,45,60",
            "อำเภอแม่ริม,เชียงใหม่,5,10",
        ),
    )
    rows = by_line(imported)
    assert [rows[line]["status"] for line in (2, 3, 4)] == [
        "exact",
        "likely",
        "unknown",
    ]
    assert rows[2]["match"]["code"] == "5001"
    assert [c["code"] for c in rows[3]["match"]["candidates"]] == ["5002"]
    assert (rows[2]["numerator_value"], rows[2]["denominator_value"]) == ("30", "40")
    assert imported.status == ImportStatus.PENDING
    assert imported.file_name == "ผลงาน.csv"
    assert len(imported.file_sha256) == 64
    assert not BreakdownRow.objects.exists()
    [event] = AuditEvent.objects.filter(action="breakdown.import.read")
    assert after(event)["rows"] == {"exact": 1, "likely": 1, "unknown": 1}
    assert event.province_code == "50"


def test_confirming_applies_the_whole_table_with_the_chosen_likely_match(
    province: Built,
) -> None:
    imported = read(
        province,
        csv_file(HEADER, "อ.เมือง,จ.เชียงใหม่,30,40", "อำเภอจอมทอน,เชียงใหม่,45,60"),
    )
    saved = breakdown_import_confirm(
        actor=SYSTEM, imported=imported, choices={3: "5002"}
    )
    assert sorted(
        (row.district_id, row.numerator, row.denominator) for row in saved
    ) == [
        ("5001", D(30), D(40)),
        ("5002", D(45), D(60)),
    ]
    result = KpiResult.objects.get(kpi=province.kpis["1.1"])
    assert (result.numerator, result.denominator) == (D(75), D(100))
    imported.refresh_from_db()
    assert imported.status == ImportStatus.APPLIED
    assert imported.decided_at is not None
    assert by_line(imported)[3]["chosen"] == "5002"
    [confirm] = AuditEvent.objects.filter(action="breakdown.import.confirm")
    assert after(confirm)["chosen"] == {"3": "5002"}
    [table] = AuditEvent.objects.filter(action="breakdown.import")
    assert after(table)["rows"] == 2


def nothing_applied(imported: BreakdownImport) -> None:
    imported.refresh_from_db()
    assert imported.status == ImportStatus.PENDING
    assert not BreakdownRow.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["breakdown.import", "breakdown.import.confirm"]
    ).exists()


def test_an_unknown_name_is_reported_with_its_line_and_blocks_the_import(
    province: Built,
) -> None:
    imported = read(
        province,
        csv_file(HEADER, "อ.เมือง,จ.เชียงใหม่,30,40", "สำนักงานใหญ่,เชียงใหม่,5,10"),
    )
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert refused.value.field == "rows"
    assert "The unit of line 3 is not on the map." in str(refused.value.message)
    nothing_applied(imported)


def test_the_refusal_reads_in_thai(province: Built) -> None:
    imported = read(province, csv_file(HEADER, "สำนักงานใหญ่,เชียงใหม่,5,10"))
    with translation.override("th"), pytest.raises(InvalidInput) as refused:
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert "ไม่พบหน่วยของบรรทัดที่ 2 ในแผนที่" in str(refused.value.message)


def test_a_likely_match_left_unanswered_or_rejected_blocks_the_import(
    province: Built,
) -> None:
    imported = read(province, csv_file(HEADER, "อำเภอจอมทอน,เชียงใหม่,45,60"))
    for choices, words in (({}, "Confirm or reject"), ({2: ""}, "was rejected")):
        with translation.override("en"), pytest.raises(InvalidInput) as refused:
            breakdown_import_confirm(actor=SYSTEM, imported=imported, choices=choices)
        assert words in str(refused.value.message)
        assert "2" in str(refused.value.message)
    with pytest.raises(InvalidInput):  # a code that was not offered
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={2: "5001"})
    nothing_applied(imported)


def test_a_district_name_of_two_provinces_is_ambiguous_without_a_province_column(
    small_map: None,
) -> None:
    areas_sync(
        actor="test",
        rows=[*SMALL_MAP, AreaRow("district", "1035", "เขตจอมทอง", "Chom Thong", "10")],
    )
    built = framework_built(
        unit_level="country", unit_code="", breakdown_level=BreakdownLevel.DISTRICT
    )
    imported = read(built, csv_file("อำเภอ,ตัวตั้ง,ตัวหาร", "จอมทอง,5,10"))
    [row] = imported.rows
    assert row["status"] == "ambiguous"
    assert sorted(c["code"] for c in row["match"]["candidates"]) == ["1035", "5002"]
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert "line 2 fits several units" in str(refused.value.message)
    nothing_applied(imported)
    with_province = read(built, csv_file(HEADER, "จอมทอง,กรุงเทพมหานคร,5,10"))
    assert with_province.rows[0]["match"]["code"] == "1035"


def test_numbers_with_commas_and_thai_digits_are_read_and_bad_ones_reported(
    province: Built,
) -> None:
    imported = read(
        province,
        csv_file(
            HEADER,
            'อ.เมือง,เชียงใหม่,"1,230",๒๐๐๐',
            'จอมทอง,เชียงใหม่,"1,5",10',
            "จอมทอง,เชียงใหม่,-4,10",
            "จอมทอง,เชียงใหม่,5,0",
            "จอมทอง,เชียงใหม่,,10",
            "จอมทอง,เชียงใหม่,1.23456,10",
        ),
    )
    rows = by_line(imported)
    assert (
        rows[2]["status"],
        rows[2]["numerator_value"],
        rows[2]["denominator_value"],
    ) == (
        "exact",
        "1230",
        "2000",
    )
    problems = {line: [p["code"] for p in rows[line]["problems"]] for line in rows}
    assert "numerator-not-a-number" in problems[3]
    assert "numerator-negative" in problems[4]
    assert "denominator-zero" in problems[5]
    assert "numerator-missing" in problems[6]
    assert "numerator-decimals" in problems[7]
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert "Lines 3, 4, 5, 6, 7 have problems" in str(refused.value.message)
    nothing_applied(imported)


def test_a_unit_met_twice_is_reported_on_the_second_line(province: Built) -> None:
    imported = read(
        province,
        csv_file(
            HEADER, "อ.เมือง,เชียงใหม่,1,2", "จอมทอง,เชียงใหม่,1,2", "เมืองเชียงใหม่,,3,4"
        ),
    )
    assert by_line(imported)[4]["problems"] == [{"code": "duplicate", "line": 2}]


def test_two_likely_rows_chosen_as_one_unit_are_refused(province: Built) -> None:
    imported = read(
        province,
        csv_file(HEADER, "จอมทอน,เชียงใหม่,1,2", "จอมทองง,เชียงใหม่,1,2"),
    )
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        breakdown_import_confirm(
            actor=SYSTEM, imported=imported, choices={2: "5002", 3: "5002"}
        )
    assert "Line 3 names the same unit as line 2." in str(refused.value.message)
    nothing_applied(imported)


def test_a_district_of_another_province_is_reported_outside_the_unit(
    province: Built,
) -> None:
    imported = read(province, csv_file("อำเภอ,ตัวตั้ง,ตัวหาร", "เขตพระนคร,1,2"))
    [row] = imported.rows
    assert row["status"] == "bad"
    assert {"code": "outside"} in row["problems"]


def test_a_total_row_is_kept_out_and_checked_against_the_rows(province: Built) -> None:
    matching = read(
        province,
        csv_file(HEADER, "อ.เมือง,เชียงใหม่,1,2", "จอมทอง,เชียงใหม่,3,4", "รวม,,4,6"),
    )
    assert by_line(matching)[4]["status"] == "total"
    saved = breakdown_import_confirm(actor=SYSTEM, imported=matching, choices={})
    assert len(saved) == 2
    wrong = read(
        province,
        csv_file(HEADER, "อ.เมือง,เชียงใหม่,1,2", "Total,,5,2"),
    )
    assert by_line(wrong)[3]["problems"] == [{"code": "total-numerator", "sum": "1"}]


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (("ชื่อ,หมายเหตุ", "เชียงใหม่,ดี"), "header row"),
        (("อำเภอ,ตัวตั้ง", "จอมทอง,5"), "no denominator column"),
        (("อำเภอ,ตัวตั้ง,ตัวหาร",), "no rows under it"),
    ],
    ids=["no unit or figures", "no denominator", "header only"],
)
def test_missing_columns_or_rows_are_refused_on_the_file_and_nothing_is_kept(
    province: Built, lines: tuple[str, ...], words: str
) -> None:
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        read(province, csv_file(*lines))
    assert refused.value.field == "file"
    assert words in str(refused.value.message)
    assert not BreakdownImport.objects.exists()
    assert not KpiResult.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="breakdown.").exists()


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_kept(
    province: Built,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        read(province, SimpleUploadedFile("table.csv", b"%PDF-1.7\n" + b"\x00" * 100))
    assert (refused.value.field, refused.value.code) == ("file", "file-type")
    assert not BreakdownImport.objects.exists()


def test_a_kpi_without_a_breakdown_refuses_an_import(province: Built) -> None:
    with pytest.raises(InvalidInput) as refused:
        breakdown_import_read(
            actor=SYSTEM,
            result=result_get_or_new(province.kpis["1.2"], province.rounds[6]),
            upload=csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"),
        )
    assert refused.value.field == "file"


def test_a_locked_round_refuses_reading_and_confirming(province: Built) -> None:
    imported = read(province, csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"))
    # HQ locks the round (the state round_lock leaves it in).
    Round.objects.filter(pk=province.rounds[6].pk).update(status=RoundStatus.LOCKED)
    with pytest.raises(Conflict):
        read(province, csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"))
    with pytest.raises(Conflict):
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    nothing_applied(imported)
    assert BreakdownImport.objects.count() == 1


def test_a_table_that_does_not_add_up_to_the_result_is_refused_whole(
    province: Built,
) -> None:
    result_record(
        actor=SYSTEM,
        kpi=province.kpis["1.1"],
        round=province.rounds[6],
        numerator=D(75),
        denominator=D(100),
    )
    imported = read(
        province, csv_file(HEADER, "อ.เมือง,เชียงใหม่,30,40", "จอมทอง,เชียงใหม่,40,60")
    )
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert "add up to 70" in str(refused.value.message)
    assert "75" in str(refused.value.message)
    nothing_applied(imported)


def test_discarding_leaves_the_breakdown_and_cannot_be_undone(province: Built) -> None:
    imported = read(province, csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"))
    breakdown_import_discard(actor=SYSTEM, imported=imported)
    imported.refresh_from_db()
    assert imported.status == ImportStatus.DISCARDED
    [event] = AuditEvent.objects.filter(action="breakdown.import.discard")
    assert event.province_code == "50"
    with pytest.raises(Conflict):
        breakdown_import_discard(actor=SYSTEM, imported=imported)
    with pytest.raises(Conflict):
        breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert not BreakdownRow.objects.exists()


def test_only_those_who_may_record_the_result_may_import(
    province: Built, make_staff: Any
) -> None:
    other_province = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    auditor = make_staff(Role.AUDITOR, "hq")  # reads all, records nothing
    for actor, error in ((other_province, NotFound), (auditor, PermissionDeniedError)):
        with pytest.raises(error):
            read(province, csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"), actor=actor)
    assert not BreakdownImport.objects.exists()
    own = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    imported = read(province, csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"), actor=own)
    assert imported.uploaded_by == own
    with pytest.raises((NotFound, PermissionDeniedError)):
        breakdown_import_discard(actor=other_province, imported=imported)
    with pytest.raises((NotFound, PermissionDeniedError)):
        breakdown_import_confirm(actor=auditor, imported=imported, choices={})
    nothing_applied(imported)


def test_the_department_imports_all_77_provinces_from_a_windows_874_file(
    small_map: None,
) -> None:
    areas_sync(
        actor="test",
        rows=[
            *SMALL_MAP,
            *(
                AreaRow("province", p.code, p.name_th, p.name_en, None)
                for p in geothai.provinces()
                if p.code not in ("10", "50")
            ),
        ],
    )
    built = framework_built(
        unit_level="country", unit_code="", breakdown_level=BreakdownLevel.PROVINCE
    )
    lines = ["จังหวัด,ตัวตั้ง,ตัวหาร"] + [
        f"จังหวัด{p.name_th},{int(p.code) * 3},{int(p.code) * 4}"
        for p in geothai.provinces()
    ]
    imported = read(built, csv_file(*lines, encoding="cp874"))
    assert {row["status"] for row in imported.rows} == {"exact"}
    saved = breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert len(saved) == 77
    assert {row.province_id for row in saved} == {p.code for p in geothai.provinces()}


def test_a_district_imports_its_offices_by_name_or_code(small_map: None) -> None:
    built = framework_built(breakdown_level=BreakdownLevel.OFFICE)  # district 5001
    imported = read(
        built,
        csv_file(
            "สำนักงาน,รหัส,ตัวตั้ง,ตัวหาร",
            "ที่ว่าการอำเภอเมืองเชียงใหม่,,5,10",
            ",REG-5001,3,4",
            "ที่ว่าการอำเภอจอมทอง,,1,2",
        ),
    )
    rows = by_line(imported)
    assert (rows[2]["match"]["code"], rows[3]["match"]["code"]) == (
        "do-5001",
        "reg-5001",
    )
    assert rows[4]["problems"] == [{"code": "outside"}]
    imported = read(
        built,
        csv_file(
            "สำนักงาน,รหัส,ตัวตั้ง,ตัวหาร",
            "ที่ว่าการอำเภอเมืองเชียงใหม่,,5,10",
            ",REG-5001,3,4",
        ),
    )
    saved = breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert sorted(row.office.code for row in saved if row.office) == [
        "do-5001",
        "reg-5001",
    ]
    assert {row.district_id for row in saved} == {"5001"}


def test_a_district_imports_its_facilities_by_name(small_map: None) -> None:
    built = framework_built(breakdown_level=BreakdownLevel.FACILITY)  # district 5001
    imported = read(
        built,
        csv_file(
            "สถานบริการ,ตัวตั้ง,ตัวหาร",
            "โรงพยาบาลนครพิงค์,5,10",
            "รพ.สต.ศรีภูมิ,3,4",
            "โรงพยาบาลนครพิงค์,1,1",
        ),
    )
    rows = by_line(imported)
    assert rows[2]["status"] == rows[3]["status"] == "exact"
    assert rows[4]["problems"] == [{"code": "duplicate", "line": 2}]
    imported = read(
        built,
        csv_file("สถานบริการ,ตัวตั้ง,ตัวหาร", "โรงพยาบาลนครพิงค์,5,10", "รพ.สต.ศรีภูมิ,3,4"),
    )
    saved = breakdown_import_confirm(actor=SYSTEM, imported=imported, choices={})
    assert sorted((row.label, row.district_id) for row in saved) == [
        ("รพ.สต.ศรีภูมิ", "5001"),
        ("โรงพยาบาลนครพิงค์", "5001"),
    ]


def test_a_province_names_each_facilitys_district(small_map: None) -> None:
    built = framework_built(
        unit_level="province", unit_code="50", breakdown_level=BreakdownLevel.FACILITY
    )
    imported = read(
        built,
        csv_file(
            "สถานบริการ,อำเภอ,ตัวตั้ง,ตัวหาร",
            "โรงพยาบาลจอมทอง,อ.จอมทอง,5,10",
            "โรงพยาบาลนครพิงค์,,3,4",
        ),
    )
    rows = by_line(imported)
    assert (rows[2]["status"], rows[2]["match"]["code"]) == ("exact", "5002")
    assert (rows[3]["status"], rows[3]["match"]["reason"]) == ("unknown", "no-district")


def test_an_outsider_learns_nothing_of_a_decided_import(
    province: Built, make_staff: Any
) -> None:
    imported = read(province, csv_file(HEADER, "จอมทอง,เชียงใหม่,1,2"))
    breakdown_import_discard(actor=SYSTEM, imported=imported)
    other_province = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    with pytest.raises(NotFound):
        breakdown_import_discard(actor=other_province, imported=imported)
    with pytest.raises(NotFound):
        breakdown_import_confirm(actor=other_province, imported=imported, choices={})
