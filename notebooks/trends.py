# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["notebook-only"]
# # Xu hướng theo thời gian — trends
#
# Indicators over time for the units of one parent, or for one unit, across
# the 1 July 2025 reorganisation: a ward formed by merging whole wards has its
# earlier values rebuilt from them (hollow points). `wardlib run` renders it
# for each parent as `reports/<period>/trends-<parent>.html`.

# %% tags=["parameters"]
parent: str = "82"  # mã đơn vị cấp trên; các đơn vị trực thuộc được vẽ cùng nhau
unit_code: str = ""  # hoặc một đơn vị; để trống: mọi đơn vị của parent
indicators: str = ""  # mã chỉ tiêu, cách nhau bằng dấu phẩy; để trống: các chỉ tiêu chính
since: str = ""  # từ kỳ, ví dụ 2023-H1; để trống: từ đầu
until: str = ""  # đến kỳ, ví dụ 2026-H1; để trống: kỳ mới nhất
data_dir: str = ""  # thư mục dữ liệu; để trống: dữ liệu mẫu đi kèm wardlib
lang: str = "vi"  # ngôn ngữ: vi hoặc en
analysis: str = ""  # bảng phân tích Parquet do wardlib run lập; để trống: tính từ dữ liệu

# %%
from wardlib.overview import CityOverview, Trends
from wardlib.params import check_parameters
from wardlib.periods import Period
from wardlib.report import show_figure

check_parameters(globals(), "notebooks/trends.py")  # `papermill -p parent 866` gives a number: take its digits, refuse the rest

trends = Trends.open(data_dir, lang, analysis)
when = Period.parse(until) if until else trends.data.latest_period()
units = [unit_code] if unit_code else trends.units_of(parent, when)
codes = [c.strip() for c in indicators.split(",") if c.strip()] or \
    CityOverview(trends.data, trends.table, parent, when, lang).key_indicators()
trends.header(parent, unit_code, when)

# %%
for i, code in enumerate(codes):
    show_figure(trends.figure(code, units, since or None, until or None, when=when), f"chart-trend-{i}")
