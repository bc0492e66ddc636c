"""The consolidated report adds up: the sums of the parts are the totals,
counts match, texts are all kept (hypothesis)."""

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from saduak.performance.consolidation import consolidate
from saduak.performance.tests.collection_setup import REPORT_FORM

LABELS = ["แบบฟอร์ม", "บัตร", "ทะเบียน"]

row = st.fixed_dictionaries(
    {
        "name": st.one_of(st.sampled_from(LABELS), st.none()),
        "qty": st.one_of(st.integers(0, 10**6), st.none()),
    }
)
answer = st.fixed_dictionaries(
    {
        "office": st.text("abcdef0123456789-", min_size=1, max_size=8),
        "files": st.integers(0, 5),
        "answers": st.fixed_dictionaries(
            {
                "served": st.one_of(st.integers(0, 10**9), st.none()),
                "budget": st.one_of(
                    st.decimals(0, 10**8, places=2, allow_nan=False).map(str), st.none()
                ),
                "ready": st.sampled_from(["yes", "no", None]),
                "note": st.one_of(st.text(min_size=1, max_size=20), st.none()),
                "items": st.lists(row, max_size=5),
            }
        ),
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(answer, max_size=12))
def test_the_parts_add_up_to_the_consolidated_report(
    answers: list[dict[str, Any]],
) -> None:
    result = consolidate(REPORT_FORM, answers)
    given_answers = [a["answers"] for a in answers]
    assert result["served"]["total"] == sum(a["served"] or 0 for a in given_answers)
    assert Decimal(result["budget"]["total"]) == sum(
        (Decimal(a["budget"]) for a in given_answers if a["budget"]), Decimal(0)
    )
    counts = result["ready"]["counts"]
    assert counts["yes"] == sum(a["ready"] == "yes" for a in given_answers)
    assert counts["no"] == sum(a["ready"] == "no" for a in given_answers)
    assert len(result["note"]["items"]) == sum(bool(a["note"]) for a in given_answers)
    all_rows = [r for a in given_answers for r in a["items"]]
    table = result["items"]
    assert table["totals"]["qty"] == sum(r["qty"] or 0 for r in all_rows)
    # Summed row by row: the merged rows and the unlabelled ones add up too.
    assert sum(r["qty"] or 0 for r in table["rows"]) == table["totals"]["qty"]
    for label in LABELS:
        labelled = [r for r in all_rows if r["name"] == label]
        merged = [r for r in table["rows"] if r.get("name") == label and "offices" in r]
        assert len(merged) == (1 if labelled else 0)
        if labelled:
            assert merged[0]["qty"] == sum(r["qty"] or 0 for r in labelled)
    assert len([r for r in table["rows"] if "offices" not in r]) == sum(
        1 for r in all_rows if not r["name"]
    )
