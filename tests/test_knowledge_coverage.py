"""The coverage report: sections at headings, cited by entries' source lines, or excused with a reason."""

from knowledge.coverage import plan_coverage, sections, seed_figure_gaps
from knowledge.figures import figures, missing_figures
from knowledge.loader import parse_entry

PLAN = """第1章 はじめに
目次.....3
1 オンライン申請
令和4年4月からオンライン申請を始め、10,000件以上の申請がありました。
2 庁内LAN
庁内のネットワークを入れ替えます。職員向けのことです。
3 窓口
窓口は平日の8時30分から17時15分まで開いています。
""".splitlines()


def _entry(lines, answer="オンライン申請は令和4年4月からです。10,000件以上ありました。"):
    return parse_entry(
        {"id": "x", "municipality": "131211", "question": "q", "answer": answer, "status": "実施中",
         "source": {"file": "plan.txt", "lines": lines}}
    )  # fmt: skip


def test_a_plan_is_cut_at_its_headings_and_the_table_of_contents_is_not_content():
    found = sections(PLAN)
    assert [(s.start, s.heading) for s in found] == [(1, "第1章 はじめに"), (3, "1 オンライン申請"), (5, "2 庁内LAN"),
                                                     (7, "3 窓口")]  # fmt: skip
    assert found[0].content == 0


def test_uncited_sections_are_listed_unless_excused():
    report = plan_coverage({"plan.txt": PLAN}, [_entry([4, 4])], exclusions={"plan.txt": [(5, 6, "職員向け")]})[0]
    assert [s.start for s in report.cited] == [3]
    assert [(s.start, why) for s, why in report.excluded] == [(5, "職員向け")]
    assert [s.heading for s in report.uncited] == ["3 窓口"]
    assert 8 in report.uncited_lines and 4 not in report.uncited_lines


def test_figures_are_found_and_normalised():
    assert figures("令和4年4月から10,000件以上、8時30分から") == ["令和4年4月", "10000件", "8時", "30分"]


def test_an_answer_that_drops_a_figure_is_reported_unless_excused():
    source = ["令和4年4月から10,000件以上の申請があり、半数以上が夜でした。"]
    assert missing_figures("令和4年4月から始まりました。", source) == ["10000件"]
    assert missing_figures("令和4年4月から始まりました。", source, left_out=["10,000件"]) == []


def test_seed_figure_gaps_reads_left_out_from_the_yaml(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "- id: a\n  answer: 令和4年4月からです。\n  source: {file: plan.txt, lines: [4, 4]}\n"
        "- id: b\n  answer: 令和4年4月からです。\n  source: {file: plan.txt, lines: [4, 4]}\n"
        "  left_out: {'10,000件': 件数はこの質問の答えではない}\n",
        encoding="utf-8",
    )
    assert seed_figure_gaps({"plan.txt": PLAN}, tmp_path) == {"a": ["10000件"]}


def test_a_municipality_the_deployment_does_not_serve_is_recognised():
    from knowledge import read_seed_municipalities
    from knowledge.places import other_place

    served = read_seed_municipalities()
    assert other_place("世田谷区のマイナンバーカードの交付率は？", served) == "世田谷区"
    assert other_place("横浜市のごみ分別アプリ", served) == "横浜市"
    assert other_place("足立区と世田谷区の違い", served) is None  # names one it serves: that one answers
    assert other_place("神保町地区の出張所", served) is None


def test_questions_for_facts_no_plan_gives_are_recognised():
    from knowledge.facts import asked_facts

    assert asked_facts("チャットボットのURL教えて") == {"url"}
    assert asked_facts("スマホ体験会、次回の日程は？") == {"next_date"}
    assert asked_facts("端末は何台置かれた？") == {"count"}
    assert asked_facts("おくやみ窓口は予約が必要ですか？") == {"reservation"}
    assert asked_facts("目標は達成できた？") == {"outcome"}
    assert asked_facts("手数料をカードで払える？") == set()
