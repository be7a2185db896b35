import pytest

from knowledge import entries_to_csv, parse_csv
from knowledge.loader import parse_entry


def test_csv_export_opens_in_excel_and_round_trips(small_entries):
    data = entries_to_csv(small_entries)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert b"\r\n" in data
    entries, errors = parse_csv(data)
    assert errors == []
    assert entries == small_entries


def test_csv_in_shift_jis_is_accepted(small_entries):
    text = entries_to_csv(small_entries[2:3]).decode("utf-8-sig")
    entries, errors = parse_csv(text.encode("cp932"))
    assert errors == [] and entries[0].question == small_entries[2].question


def test_csv_reports_every_bad_row_with_its_line():
    data = (
        "id,municipality,question,answer,status,source_lines\r\n"
        "a,national,質問,答え,実施中,1\r\n"
        "b,national,質問,,実施中,1\r\n"
        "c,national,質問,答え,やってる,1\r\n"
        "a,national,質問,答え,実施中,x\r\n"
    ).encode()
    entries, errors = parse_csv(data)
    assert [e.id for e in entries] == ["a"]
    assert [(e.row, e.entry_id) for e in errors] == [(3, "b"), (4, "c"), (5, "a")]
    assert "answer" in errors[0].message
    assert "やってる" in errors[1].message
    assert "3行目" in str(errors[0])


def test_csv_without_required_columns_is_refused():
    entries, errors = parse_csv(b"id,question\r\na,b\r\n")
    assert entries == [] and "見出し" in errors[0].message


def test_unreadable_encoding_is_a_clear_error():
    with pytest.raises(ValueError, match="文字コード"):
        parse_csv(b"\xff\xfe\x00\x81\x00")


def test_entry_text_is_cleaned():
    entry = parse_entry(
        {"id": "x", "municipality": "national", "question": "ＡＢＣ？", "answer": "<p>答え</p>", "status": "予定"}
    )
    assert entry.question == "ABC?" and entry.answer == "答え"


def test_yaml_file_reports_bad_items():
    from knowledge.loader import parse_yaml

    raw = "- {id: a, municipality: national, question: 質問, answer: 答え, status: 予定}\n- {id: b}\n".encode()
    entries, errors = parse_yaml(raw)
    assert [e.id for e in entries] == ["a"] and errors[0].row == 2


def test_yaml_that_is_not_a_list_is_refused():
    from knowledge.loader import parse_yaml

    assert parse_yaml(b"id: a")[1][0].message.startswith("項目のリスト")
