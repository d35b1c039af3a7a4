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
# # Tổng quan các đơn vị — city overview
#
# Every unit directly under one parent (a city before July 2025, a province
# after) for one period: league tables of the key indicators, which units are
# behind on what, the commitments grid and how spread out the units are.
# `wardlib run` renders it as `reports/<period>/overview-<parent>.html`.

# %% tags=["parameters"]
parent: str = "82"  # mã đơn vị cấp trên: 82 là tỉnh Đồng Tháp (từ 1/7/2025), 866 là Thành phố Cao Lãnh (trước đó)
period: str = ""  # kỳ báo cáo, ví dụ 2024-H1; để trống: kỳ mới nhất của dữ liệu
data_dir: str = ""  # thư mục dữ liệu; để trống: dữ liệu mẫu đi kèm wardlib
lang: str = "vi"  # ngôn ngữ: vi hoặc en
analysis: str = ""  # bảng phân tích Parquet do wardlib run lập; để trống: tính từ dữ liệu

# %%
from wardlib.overview import CityOverview
from wardlib.params import check_parameters
from wardlib.report import show_figure

check_parameters(globals(), "notebooks/city_overview.py")  # `papermill -p parent 866` gives a number: take its digits, refuse the rest

page = CityOverview.open(data_dir, parent, period, lang, analysis)
page.header()

# %%
show_figure(page.status_figure(), "chart-statuses")

# %%
page.behind()

# %%
show_figure(page.distribution_figure(), "chart-distribution")

# %%
from IPython.display import display

for code in page.key_indicators():
    display(page.league(code))

# %%
page.commitments()
