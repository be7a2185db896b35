"""The LINE rich menu: the definition against LINE's spec, the committed image, and deploying through the real CLI
to the fake LINE platform."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import struct

import pytest
from click.testing import CliRunner
from linebot.v3.messaging import ApiException
from PIL import Image

from bot.cli import main
from channels.line_richmenu import RichMenu, RichMenuError, check_image
from channels.line_richmenu_deploy import clients, deploy
from channels.line_richmenu_image import ICONS, contrast_ratio, find_font, overflows, render
from tests.fakes.line_platform import TOKEN, FakeLinePlatform
from tests.fakes.line_richmenus import FakeRichMenus, _menu_errors
from tests.fakes.openapi import CONTRACTS, OpenApiValidator

SPEC = OpenApiValidator(CONTRACTS / "messaging-api.yml")
MENU = RichMenu.load()
BUTTONS = [
    ("よくある質問", "よくある質問", "よくある質問"),
    ("スマホ教室の予約", "/book_class", "スマホ教室の予約"),
    ("申請サポートの予約", "/book_support", "申請サポートの予約"),
    ("予約の確認・変更", "/my_bookings", "予約の確認・変更"),
    ("お知らせ設定", "/notice_settings", "お知らせ設定"),
    ("窓口・電話", "/human_handoff", "窓口・電話"),
]


@pytest.fixture
def font():
    try:
        return find_font(os.environ.get("MADOGUCHI_FONT", ""))
    except RichMenuError:
        pytest.skip("no Japanese font here (scripts/setup-system.sh installs one)")


def with_button(menu: RichMenu, index: int, **changes) -> RichMenu:
    buttons = list(menu.buttons)
    buttons[index] = dataclasses.replace(buttons[index], **changes)
    return dataclasses.replace(menu, buttons=tuple(buttons))


# -- the definition ---------------------------------------------------------------------------------


def test_the_menu_is_a_rich_menu_request_line_accepts():
    body = MENU.to_request(name=MENU.deployed_name(b"")).to_dict()
    assert SPEC.errors("#/components/schemas/RichMenuRequest", body) + _menu_errors(body) == []
    assert body["selected"] is True and body["chatBarText"] == "メニュー"


def test_the_spec_check_would_catch_a_bad_postback_in_an_area():
    body = MENU.to_request().to_dict()
    body["areas"][0]["action"]["data"] = "x" * 301
    assert SPEC.errors("#/components/schemas/RichMenuRequest", body)


def test_the_buttons_send_the_agreed_postbacks():
    actions = [area.action for area in MENU.to_request().areas]
    assert [(a.label, a.data, a.display_text) for a in actions] == BUTTONS
    assert all(a.type == "postback" for a in actions)


def test_the_buttons_tile_the_whole_menu_without_gaps_or_overlaps():
    cells = [(b.bounds.x, b.bounds.y, b.bounds.x + b.bounds.width, b.bounds.y + b.bounds.height) for b in MENU.buttons]
    assert all(0 <= x0 < x1 <= MENU.width and 0 <= y0 < y1 <= MENU.height for x0, y0, x1, y1 in cells)
    assert sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in cells) == MENU.width * MENU.height
    for i, a in enumerate(cells):
        for b in cells[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"{a} overlaps {b}"


def test_every_label_contrasts_with_its_tile_at_least_as_wcag_aa_asks():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21) and contrast_ratio("#777777", "#777777") == 1
    ratios = {b.label: contrast_ratio(b.colour, b.background) for b in MENU.buttons}
    assert {label: ratio for label, ratio in ratios.items() if ratio < 4.5} == {}


def test_every_pictogram_named_in_the_definition_is_drawn():
    assert {b.icon for b in MENU.buttons} <= set(ICONS)


def test_a_definition_whose_lines_do_not_spell_the_label_is_refused():
    menu = with_button(MENU, 0, lines=("よくある",))
    assert menu.problems() == ["よくある質問: lines ['よくある'] do not spell the label"]


def test_a_definition_without_its_grid_is_refused_naming_what_is_missing(tmp_path):
    definition = tmp_path / "menu.yaml"
    definition.write_text(MENU.image.with_name("menu.yaml").read_text(encoding="utf-8").replace("grid:", "gird:"))
    with pytest.raises(RichMenuError, match=r"menu\.yaml: missing or malformed 'grid'"):
        RichMenu.load(definition)


# -- the image ----------------------------------------------------------------------------------------


def test_every_label_fits_its_tile_in_large_type(font):
    assert MENU.style.font_size >= 110
    assert overflows(MENU, font) == []


def test_a_label_too_wide_for_its_tile_is_refused(font):
    menu = with_button(MENU, 0, label="よくある質問です", lines=("よくある質問です",))
    assert overflows(menu, font)
    with pytest.raises(RichMenuError, match="does not fit"):
        render(menu, font)


def test_the_committed_png_has_the_menus_size_and_is_well_under_1_mb():
    data = MENU.image.read_bytes()
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's IHDR chunk
    assert (width, height) == (MENU.width, MENU.height)
    assert len(data) < 300_000 and check_image(MENU, data) == "image/png"


def test_regenerating_the_png_from_the_definition_gives_the_committed_one(font):
    committed, fresh = Image.open(io.BytesIO(MENU.image.read_bytes())), Image.open(io.BytesIO(render(MENU, font)))
    assert fresh.size == committed.size
    if committed.text.get("Font") != font.path.name:
        pytest.skip(f"menu.png was drawn with {committed.text.get('Font')}, this machine has {font.path.name}")
    assert fresh.convert("RGB").tobytes() == committed.convert("RGB").tobytes(), (
        "menu.png is stale: run `madoguchi line richmenu image` and commit it"
    )


def test_the_image_command_writes_the_png_where_asked(font, tmp_path):
    out = tmp_path / "menu.png"
    result = CliRunner().invoke(
        main, ["line", "richmenu", "image", "--out", str(out)], env={"MADOGUCHI_HOME": str(tmp_path)}
    )
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.size == (MENU.width, MENU.height) and "kB" in result.output


def test_without_a_japanese_font_the_error_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr("channels.line_richmenu_image.FONT_PATHS", ())
    monkeypatch.setenv("PATH", "")  # no fc-list either
    with pytest.raises(RichMenuError, match="apt-get install fonts-ipafont-gothic"):
        find_font()
    with pytest.raises(RichMenuError, match="MADOGUCHI_FONT"):
        find_font("/nowhere/font.ttf")


def test_an_image_over_1_mb_is_refused_before_anything_is_sent():
    with pytest.raises(RichMenuError, match="at most 1 MB"):
        check_image(MENU, b"\x89PNG\r\n\x1a\n" + bytes(1_000_000))


# -- deploying to the fake LINE platform -----------------------------------------------------------


@pytest.fixture(scope="module")
def started_platform():
    platform = FakeLinePlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
def line_platform(started_platform):
    """The module's fake LINE platform, with no rich menus and no requests yet."""
    started_platform.richmenus = FakeRichMenus()
    started_platform.requests.clear()
    return started_platform


@pytest.fixture
def env(tmp_path, line_platform):
    port = line_platform.url.rsplit(":", 1)[1]
    return {
        "MADOGUCHI_HOME": str(tmp_path),
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": line_platform.url,
        "LINE_API_DATA_BASE_URL": f"http://localhost:{port}",  # the same fake, told apart by the Host header
    }


def add_staff_menu(platform: FakeLinePlatform) -> None:
    """A menu the municipality made by hand in the LINE console: deploy must leave it alone."""
    platform.richmenus.menus["richmenu-staff"] = {
        **MENU.to_request(name="campaign").to_dict(),
        "richMenuId": "richmenu-staff",
    }


def richmenu(env, *args):
    return CliRunner().invoke(main, ["line", "richmenu", *args], env=env)


def test_deploy_creates_the_menu_uploads_its_image_to_the_data_host_and_makes_it_the_default(env, line_platform):
    result = richmenu(env, "deploy", "--json")
    assert result.exit_code == 0, result.output
    done, fake = json.loads(result.output), line_platform.richmenus
    assert list(fake.menus) == [done["richMenuId"]] == [fake.default] and done["created"] is True
    assert fake.images[done["richMenuId"]] == MENU.image.read_bytes()
    upload = line_platform.sent(f"/v2/bot/richmenu/{done['richMenuId']}/content")[0]
    assert upload.headers["Host"].startswith("localhost:") and upload.headers["Content-Type"] == "image/png"
    assert [r.errors for r in line_platform.requests if r.errors] == []


def test_deploying_twice_leaves_exactly_one_madoguchi_menu_as_the_default(env, line_platform):
    first = json.loads(richmenu(env, "deploy", "--json").output)
    again = richmenu(env, "deploy")
    assert again.exit_code == 0 and "unchanged" in again.output
    assert list(line_platform.richmenus.menus) == [first["richMenuId"]] == [line_platform.richmenus.default]


def test_a_changed_menu_replaces_the_earlier_one_and_other_menus_are_left_alone(env, line_platform):
    add_staff_menu(line_platform)
    first = json.loads(richmenu(env, "deploy", "--json").output)
    changed = dataclasses.replace(MENU, chat_bar_text="メニューを開く")
    with clients(token=TOKEN, base_url=env["LINE_API_BASE_URL"], data_base_url=env["LINE_API_DATA_BASE_URL"]) as apis:
        done = deploy(changed, MENU.image.read_bytes(), api=apis[0], blob=apis[1])
    assert done.created and done.deleted == (first["richMenuId"],)
    assert set(line_platform.richmenus.menus) == {"richmenu-staff", done.rich_menu_id}
    assert line_platform.richmenus.default == done.rich_menu_id


def test_list_marks_the_default_and_delete_all_removes_only_madoguchi_menus(env, line_platform):
    add_staff_menu(line_platform)
    deployed = json.loads(richmenu(env, "deploy", "--json").output)["richMenuId"]
    listed = {m["richMenuId"]: m for m in json.loads(richmenu(env, "list", "--json").output)}
    assert listed[deployed]["default"] and listed[deployed]["madoguchi"] and not listed["richmenu-staff"]["madoguchi"]
    assert json.loads(richmenu(env, "delete", "--all", "--json").output) == [deployed]
    assert list(line_platform.richmenus.menus) == ["richmenu-staff"]


def test_deploy_without_an_access_token_says_which_variable_to_set(env, line_platform):
    result = richmenu({**env, "LINE_CHANNEL_ACCESS_TOKEN": ""}, "deploy")
    assert result.exit_code != 0 and "LINE_CHANNEL_ACCESS_TOKEN is not set" in result.output
    assert line_platform.requests == []


def test_a_refusal_from_line_is_shown_with_lines_message(env, line_platform):
    result = richmenu({**env, "LINE_CHANNEL_ACCESS_TOKEN": "wrong"}, "deploy")
    assert result.exit_code != 0 and "LINE refused" in result.output and "wrong access token" in result.output
    result = richmenu(env, "delete", "richmenu-gone")
    assert result.exit_code != 0 and "HTTP 404" in result.output


def test_the_fake_platform_refuses_an_image_that_is_not_the_menus_size(env):
    small = io.BytesIO()
    Image.new("RGB", (1250, 843), "white").save(small, "PNG")
    with clients(token=TOKEN, base_url=env["LINE_API_BASE_URL"], data_base_url=env["LINE_API_DATA_BASE_URL"]) as apis:
        rich_menu_id = apis[0].create_rich_menu(MENU.to_request()).rich_menu_id
        with pytest.raises(ApiException) as refused:
            apis[1].set_rich_menu_image(rich_menu_id, small.getvalue(), _headers={"Content-Type": "image/png"})
    assert refused.value.status == 400 and "image of 1250" in refused.value.body
