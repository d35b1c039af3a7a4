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
# # Kiểm tra chất lượng số liệu — data quality
#
# Every finding of one period over the whole dataset: the data contract's
# warnings, wardlib's consistency rules (stated percentages, breakdowns,
# outliers, completeness…) and, when `wardlib run` made it, the Great
# Expectations results, with a link to their Data Docs. Run it here as it is
# (the rules run in the kernel; GX only runs in the batch step) or through
# `wardlib run`, which renders it as `reports/<period>/data_quality.html`.

# %% tags=["parameters"]
period: str = ""  # kỳ báo cáo, ví dụ 2024-H1; để trống: kỳ mới nhất của dữ liệu
data_dir: str = ""  # thư mục dữ liệu; để trống: dữ liệu mẫu đi kèm wardlib
lang: str = "vi"  # ngôn ngữ: vi hoặc en
findings: str = ""  # findings.json do wardlib run lập; để trống: kiểm tra tại chỗ
docs_href: str = ""  # đường dẫn tới Data Docs của Great Expectations, nếu có

# %%
from IPython.display import display

from wardlib.params import check_parameters
from wardlib.quality_report import QualityReport
from wardlib.report import show_figure

check_parameters(globals(), "notebooks/data_quality.py")  # `papermill -p parent 866` gives a number: take its digits, refuse the rest

page = QualityReport.open(data_dir, period, lang, findings, docs_href)
display(page.header(), page.planted())  # planted(): the faults a demo dataset lists in planted.csv

# %%
page.by_rule()

# %%
show_figure(page.rules_figure(), "chart-rules")

# %%
page.by_unit()

# %%
page.details()
