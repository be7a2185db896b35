from knowledge import clean, is_english, normalize
from knowledge.text import has_japanese, hiragana_to_katakana


def test_clean_applies_nfkc_and_strips_html():
    assert clean("<ul><li>ＡＢＣ１２３　ｶﾀｶﾅ</li></ul>") == "ABC123 カタカナ"


def test_clean_mends_the_ocr_damage_seen_in_the_plans():
    assert clean("デジタルデバйд対策") == "デジタルデバイド対策"
    assert clean("一部の窓口到配置") == "一部の窓口に配置"


def test_cyrillic_is_left_alone_in_text_without_japanese():
    assert clean("Привет дом") == "Привет дом"


def test_normalize_lowercases_for_matching():
    assert normalize("  My Number  カード ") == "my number カード"


def test_language_detection():
    assert is_english("Can I apply online?")
    assert not is_english("オンラインで申請できますか")
    assert not is_english("123")
    assert has_japanese("ごみ")


def test_hiragana_to_katakana():
    assert hiragana_to_katakana("じゅうみんひょう ABC") == "ジュウミンヒョウ ABC"
