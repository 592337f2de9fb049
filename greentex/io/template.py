"""A ready-to-fill input workbook: every sheet with its headers, drop-down lists for items and
units, one example row per activity sheet, and an instructions sheet."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from greentex.factors import load_library
from greentex.io.atomic import atomic_write_bytes
from greentex.io.workbook import TEMPLATE_MARK

SHEET_NAMES = {
    "en": {"instructions": "Instructions", "site": "Site", "energy": "Energy", "water": "Water",
           "chemicals": "Chemicals", "production": "Production", "refrigerants": "Refrigerants", "factors": "Factors", "names": "Names", "products": "Products", "targets": "Targets", "lists": "Lists"},
    "zh": {"instructions": "填写说明", "site": "基本信息", "energy": "能源", "water": "水",
           "chemicals": "化学品", "production": "产量", "refrigerants": "制冷剂", "factors": "因子", "names": "名称对照", "products": "产品信息", "targets": "目标", "lists": "Lists"},
}
NAMES_HEADERS = {"en": ["label", "item"], "zh": ["台账名称", "项目"]}
PRODUCTS_HEADERS = {  # for greentex pact (io.workbook.PRODUCT_COLUMNS)
    "en": ["product", "name", "product id", "cpc", "gsm [g/m2]", "width [cm]", "kg per 100 m [kg/hm]",
           "biogenic carbon [%]", "fossil carbon [%]"],
    "zh": ["产品类别", "产品名称", "产品编号", "cpc", "克重 [g/m2]", "幅宽 [cm]", "百米重 [kg/hm]",
           "生物碳含量 [%]", "化石碳含量 [%]"],
}
HEADERS = {
    "en": ["period", "item", "quantity", "unit", "note", "product"],
    "zh": ["月份", "项目", "数量", "单位", "备注", "产品"],
}
TARGET_HEADERS = {"en": ["year", "target", "product", "value", "unit", "note"],  # greentex.targets
                  "zh": ["年度", "指标", "产品", "目标值", "单位", "备注"]}
TARGET_EXAMPLE = {"en": [2024, "energy", None, 15000, "tce"], "zh": [2024, "能耗总量", None, 15000, "吨标准煤"]}
FACTOR_HEADERS = {"en": ["item", "parameter", "value", "unit", "source"],
                  "zh": ["项目", "参数", "数值", "单位", "来源"]}
UNITS = {
    "energy": ["kWh", "MWh", "万kWh", "m3", "Nm3", "万m³", "t", "GJ"],
    "water": ["m3", "t", "万m³", "mg/L"],
    "chemicals": ["kg", "t"],
    "production": ["hm", "m", "万米", "t"],
    "refrigerants": ["kg", "t"],
}
EXAMPLES = {
    "energy": ("electricity", 125000, "kWh"),
    "water": ("tap_water", 48000, "m3"),
    "chemicals": ("soda_ash", 3200, "kg"),
    "production": ("woven_fabric", 42000, "hm"),
    "refrigerants": ("r410a", 12, "kg"),
}
SITE_KEYS = [
    ("name", "名称", "", "Mill name", "企业名称"),
    ("company_id", "统一社会信用代码", "", "Unified social credit code, or a URN (for greentex pact)",
     "统一社会信用代码（或 URN），用于 greentex pact 产品碳足迹"),
    ("country", "国家", "CN", "ISO country code", "国家代码"),
    ("province", "省份", "", "Province", "省份"),
    ("year", "年份", "", "Reporting year, e.g. 2024", "报告年份，如 2024"),
    ("enterprise", "企业类型", "existing", "existing or new", "现有 或 新建"),
    ("product", "产品类别", "", "Main product category, e.g. woven_fabric", "主要产品类别，如 机织物"),
    ("grid", "电网因子", "", "Grid (location-based): empty = the province's factor, else its region's, else national; "
     "or national, east, jiangsu ... (optional :year); or a number, your grid factor in kgCO2/kWh",
     "电网（基于位置）：留空则用所在省份的因子，无则用区域、全国；或填 national、east、jiangsu 等（可加 :年份）；"
     "或填数值：电网排放因子 kgCO2/kWh"),
    ("market_factor", "供电合同排放因子", "", "Supplier's contractual factor in kgCO2/kWh (market-based); "
     "empty = national residual factor", "供电合同排放因子 kgCO2/kWh（基于市场）；留空则用全国剩余电力因子"),
    ("wastewater_treatment", "污水处理方式", "", "e.g. anaerobic_reactor, aerobic_well_managed",
     "如 anaerobic_reactor、aerobic_well_managed"),
    ("discharge", "排放方式", "", "Wastewater discharge: indirect_park, indirect or direct",
     "废水排放方式：indirect_park（园区集中处理）、indirect（间接排放）或 direct（直接排放）"),
    ("allocation", "分摊", "", "Several products: e.g. woven_fabric: 0.6; knit_fabric: 0.4",
     "多产品：如 woven_fabric: 0.6; knit_fabric: 0.4"),
]
INSTRUCTIONS = {
    "en": [
        "greentex input workbook",
        "Fill one row per month, item and meter in Energy, Water, Chemicals and Production; refrigerant "
        "charged or topped up (R-410A, R-22 ...) in kg in Refrigerants.",
        "period: a month (2024-01, 2024年1月, Jan 2024 or an Excel date). item and unit: pick from the list "
        "or type a known name (English or Chinese). Several rows for the same item and month add up.",
        "Instead of long rows you may use one column per item with the unit in the header, "
        "e.g. 'Electricity [kWh]' or '电力（万kWh）', and one row per month.",
        "The example rows (note: 'example row') are ignored: replace or delete them.",
        "Factors (optional): your own values with their source; parameters: coefficient (kgce per unit), "
        "ncv (e.g. GJ/t, MJ/m3), carbon_content (tC/GJ), oxidation (fraction), emission_factor "
        "(e.g. tCO2/MWh), primary_coefficient (electricity, kgce/kWh), standard_product_coefficient (a product); "
        "written as the id, in words (Emission factor) or in Chinese (排放因子, 低位发热量).",
        "Names (optional): a name your ledger uses that greentex does not know, in column A, and the item or "
        "product it means in column B (e.g. 'Boiler diesel' -> diesel, '全棉府绸' -> woven_fabric).",
        "Products (optional, for greentex pact): per product category its trade name, product id (a URN), "
        "CPC code and mass: kg per 100 m, or gsm and width (needed for products counted by length); the "
        "carbon in the product as % of its mass, biogenic (cotton, viscose) and fossil (polyester), if known.",
        "Targets (optional): the year's targets, one row each: year, target (energy = the energy budget in tce, "
        "energy_intensity, ghg_intensity or water_intensity with the product, ghg in tCO2e, water_intake, "
        "water_reuse_rate in %), product, value, unit. The report shows the year to date, a forecast to year end "
        "and a verdict (on track, at risk, exceeded); greentex check --targets exits 1 when one is at risk.",
        "Then run: greentex report THIS_FILE.xlsx -o report.xlsx",
    ],
    "zh": [
        "greentex 输入工作簿",
        "能源、水、化学品、产量表：每月、每个项目、每块表计填写一行；制冷剂表填写当月充注或补充的制冷剂（R410A、R22 等，kg）。",
        "月份：2024-01、2024年1月、Jan 2024 或 Excel 日期。项目与单位：从下拉列表选择，或填写中英文名称。"
        "同一月份同一项目的多行数据将累加。",
        "也可采用宽表：每个项目一列，单位写在表头括号中，如“电力（万kWh）”，每月一行。",
        "示例行（备注为 example row）不参与计算：请替换或删除。",
        "因子表（可选）：填写自有数值及来源；参数：coefficient（折标系数）、ncv（低位发热量）、"
        "carbon_content（单位热值含碳量 tC/GJ）、oxidation（碳氧化率）、emission_factor（排放因子）、"
        "primary_coefficient（电力等价值 kgce/kWh）、standard_product_coefficient（标准品折算系数）；参数可写英文或中文名称。",
        "名称对照（可选）：A 列填写台账中 greentex 不认识的名称，B 列填写对应的项目或产品（如 锅炉用柴油 -> 柴油，全棉府绸 -> 机织物）。",
        "产品信息（可选，用于 greentex pact 产品碳足迹）：每个产品类别的产品名称、产品编号（URN）、CPC 代码及质量："
        "百米重，或克重与幅宽（按长度计量的产品必填）；已知时填写产品中碳占质量的百分比：生物碳（棉、粘胶）与化石碳（涤纶）。",
        "目标（可选）：本年度目标，每个目标一行：年度、指标（能耗总量 tce、单位产品能耗/单位产品温室气体排放/单位产品取水量"
        "（填产品）、温室气体排放总量 tCO2e、取水总量、水重复利用率 %）、产品、目标值、单位。报告给出本年累计、"
        "预计年末值和结论（按进度可完成、有风险、已超出）；greentex check --targets 在有目标有风险时返回 1。",
        "然后运行：greentex report 本文件.xlsx -o report.xlsx",
    ],
}
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _item_names(lib, domain: str, lang: str) -> list[str]:
    table = lib.item_table
    column = "label_zh" if lang == "zh" else None
    names = table.index[table["domain"] == domain]
    return [table.at[i, column] if column else i for i in names]


def _header(ws, names: list[str]) -> None:
    ws.append(names)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEF", (12, 28, 14, 12, 36, 18)):
        ws.column_dimensions[col].width = width


def _targets_sheet(wb, names: dict, lang: str) -> None:
    """The Targets sheet: headers, one example row, a drop-down of the targets' names."""
    from greentex.labels import labels
    from greentex.targets import TARGETS

    ws = wb.create_sheet(names["targets"])
    _header(ws, TARGET_HEADERS[lang])
    ws.append(TARGET_EXAMPLE[lang] + [f"{TEMPLATE_MARK}: replace or delete"])
    words = list(TARGETS) if lang == "en" else [labels()["zh"][f"tgt_{k}"] for k in TARGETS]
    dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add("B2:B200")
    ws.column_dimensions["B"].width = 40


def write_template(path: str | Path, lang: str = "en") -> None:
    """Write the input template (English or Chinese sheet names and headers) atomically."""
    lib = load_library()
    names = SHEET_NAMES[lang]
    wb = Workbook()
    ins = wb.active
    ins.title = names["instructions"]
    for line in INSTRUCTIONS[lang]:
        ins.append([line])
    ins["A1"].font = Font(bold=True, size=14)
    ins.column_dimensions["A"].width = 120
    for row in ins.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)

    site = wb.create_sheet(names["site"])
    _header(site, ["key", "value", "description"] if lang == "en" else ["项目", "内容", "说明"])
    for en_key, zh_key, default, en_desc, zh_desc in SITE_KEYS:
        if lang == "zh":
            default = {"existing": "现有"}.get(default, default)
        site.append([en_key if lang == "en" else zh_key, default, en_desc if lang == "en" else zh_desc])
    site.column_dimensions["C"].width = 60

    lists = wb.create_sheet(names["lists"])
    lists.sheet_state = "hidden"
    for col, domain in enumerate(("energy", "water", "chemicals", "production", "refrigerants"), start=1):
        items = _item_names(lib, domain, lang)
        for r, name in enumerate(items, start=1):
            lists.cell(row=r, column=2 * col - 1, value=name)
        for r, unit in enumerate(UNITS[domain], start=1):
            lists.cell(row=r, column=2 * col, value=unit)
        ws = wb.create_sheet(names[domain])
        _header(ws, HEADERS[lang])
        item, qty, unit = EXAMPLES[domain]
        label = lib.item_table.at[item, "label_zh"] if lang == "zh" else item
        ws.append(["2024-01", label, qty, unit, f"{TEMPLATE_MARK}: replace or delete", None])
        for letter, source, n in (("B", get_column_letter(2 * col - 1), len(items)),
                                  ("D", get_column_letter(2 * col), len(UNITS[domain]))):
            dv = DataValidation(type="list", formula1=f"='{names['lists']}'!${source}$1:${source}${n}",
                                allow_blank=True, showErrorMessage=False)
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}2000")
    fac = wb.create_sheet(names["factors"])
    _header(fac, FACTOR_HEADERS[lang])
    _header(wb.create_sheet(names["names"]), NAMES_HEADERS[lang])
    _header(wb.create_sheet(names["products"]), PRODUCTS_HEADERS[lang])
    _targets_sheet(wb, names, lang)
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    buffer = BytesIO()
    wb.save(buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())
