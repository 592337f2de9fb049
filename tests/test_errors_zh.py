"""The one-line errors of bad input in Chinese (greentex.errors.GreentexError.text and
greentex/error_texts.csv): the place in Chinese words, the message and hint where the table has
them, the English line unchanged."""

import re

import pytest
from click.testing import CliRunner

from greentex.cli import cli
from greentex.errors import GreentexError, _chinese_texts, chinese
from greentex.inventory import NUMBER_HINT, UNIT_WHERE
from greentex.io.filecheck import SAVE_AS
from greentex.units import UNIT_HINT

HEAD = ["月份", "项目", "数量", "单位"]


def _report(path, *args):
    return CliRunner().invoke(cli, ["report", str(path), "-o", str(path.with_name("out.xlsx")), *args])


def test_every_row_of_the_table_is_well_formed():
    """Each English pattern compiles; each {name} or {name:filter} of its Chinese text is one of
    the pattern's groups and a known filter; the Chinese text has no Latin words but ids,
    commands and units it quotes."""
    rows = _chinese_texts()
    assert len(rows) > 50
    for pattern, template in rows:
        for name, filt in re.findall(r"\{(\w+)(?::(\w+))?\}", template):
            assert name in pattern.groupindex, (pattern.pattern, name)
            assert filt in ("", "item", "items", "domain", "sheet", "key", "maybe", "more"), filt
        assert not re.search(r"[{}]", re.sub(r"\{\w+(?::\w+)?\}", "", template)), template


@pytest.mark.parametrize("hint", [NUMBER_HINT, UNIT_HINT, UNIT_WHERE, SAVE_AS])
def test_the_shared_hints_have_their_chinese(hint):
    assert chinese(hint) != hint and re.search(r"[\u4e00-\u9fff]", chinese(hint))


def test_the_place_and_the_words_in_chinese():
    """file：工作表「S」单元格 C7：message（hint）, the item ids of a suggestion written as their
    names; a message the table does not know stays as it is."""
    e = GreentexError("unknown energy item '外购电量'", file="mill.xlsx", sheet="能源", cell="B7",
                      hint="did you mean electricity, natural_gas? add a row to the Names sheet (名称对照): the label "
                           "as written, then the item, or give --names FILE; items are listed by "
                           "`greentex factors show items`")
    assert e.text("zh") == ("mill.xlsx：工作表「能源」单元格 B7：未知的能源项目「外购电量」（是否指 电力、天然气？"
                            "请在名称对照表中添加一行：先写台账中的名称，再写对应的项目；或使用 --names 文件；"
                            "全部项目见 greentex factors show items）")
    assert e.text("en") == str(e) and e.text("en").startswith("mill.xlsx: sheet '能源' cell B7: unknown energy item")
    assert GreentexError("formula with no saved value (and 3 more)", file="a.xlsx").text("zh") == \
        "a.xlsx：公式没有保存的计算结果（另有 3 处）"
    assert GreentexError("a message of its own", file="a.xlsx").text("zh") == "a.xlsx：a message of its own"


@pytest.mark.parametrize("cell, value, words", [
    ("B2", "空压机", "未知的能源项目「空压机」"),         # a name greentex does not know (a machine)
    ("C2", "12,3", "「12,3」有歧义"),                    # a decimal comma
    ("D2", "kg", "单位「kg」不适用于电力"),              # a unit that does not fit the item
    ("A2", "2024年13月", "「2024年13月」不是月份"),      # no such month
])
def test_a_chinese_ledger_s_mistake_reads_in_chinese(make_workbook, cell, value, words):
    """A Chinese energy sheet with one mistake: `report --lang zh` exits 2 with one line in
    Chinese naming the sheet and cell; without --lang the same line is in English."""
    row = {"A2": "2024年1月", "B2": "电力", "C2": 1200, "D2": "kWh"} | {cell: value}
    path = make_workbook({"能源": [HEAD, [row["A2"], row["B2"], row["C2"], row["D2"]]],
                          "产量": [HEAD, ["2024年1月", "机织物", 40, "万米"]]})
    zh = _report(path, "--lang", "zh")
    assert zh.exit_code == 2 and len(zh.output.strip().splitlines()) == 1, zh.output
    assert f"mill.xlsx：工作表「能源」单元格 {cell}：" in zh.output and words in zh.output, zh.output
    en = _report(path)
    assert en.exit_code == 2 and f"mill.xlsx: sheet '能源' cell {cell}: " in en.output, en.output


def test_the_text_between_two_quoted_parts_is_not_taken_for_one():
    """A long quoted cell is cut to 80 characters, but the 80-odd characters between the quotes
    of '12,3' and '.' are not a quoted part: the English line keeps them (it used to print
    "'12,3'is ambiguous ... …'.'")."""
    e = GreentexError("'12,3' is ambiguous: a comma that is not a thousands separator may be a decimal comma",
                      file="m.xlsx", hint="write the decimal point as '.', e.g. 12.3 (or 1,234 for a thousands separator)")
    assert str(e) == ("m.xlsx: '12,3' is ambiguous: a comma that is not a thousands separator may be a decimal "
                      "comma (write the decimal point as '.', e.g. 12.3 (or 1,234 for a thousands separator))")
    long = GreentexError(f"unknown item '{'x' * 200}'")
    assert str(long) == f"unknown item '{'x' * 79}…'"
