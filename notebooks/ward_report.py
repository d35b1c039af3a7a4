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
# # Báo cáo đơn vị — ward report
#
# One ward's (phường/xã) socio-economic report for one period, computed from the
# dataset instead of typed by hand. Run it here in JupyterLab as it is, or through
# `wardlib run`, which executes it with papermill for every unit and renders the
# HTML with nbconvert. All logic lives in `wardlib.report`; this notebook only
# calls it, each method one part of the report, shown in order. This cell
# (tagged `notebook-only`) and the parameters cell do not appear in the HTML report.
#
# The parts are grouped into three cells rather than one cell each: every cell
# is a round trip to the kernel (about 6 ms of CPU even for `x = 1`), and a
# national run executes this notebook 3,321 times; three cells instead of ten
# made a report about a fifth cheaper. To look at one part alone, call its
# method in a new cell, e.g. `report.section_tables()`.

# %% tags=["parameters"]
unit_code: str = "29872"  # mã đơn vị trong units.csv, ví dụ 29872 là Phường 4, TP Cao Lãnh
period: str = "2024-H1"  # kỳ báo cáo: 2024-H1 (báo cáo thật của Phường 4), 2024, 2024-Q3, 2024-06; để trống: kỳ mới nhất có số liệu
data_dir: str = ""  # thư mục dữ liệu; để trống: dữ liệu mẫu đi kèm wardlib
lang: str = "vi"  # ngôn ngữ báo cáo: vi hoặc en
analysis: str = ""  # bảng phân tích Parquet do wardlib run lập; để trống: tính từ dữ liệu
findings: str = ""  # kết quả kiểm tra số liệu (findings.json) do wardlib run lập; để trống: kiểm tra tại chỗ

# %%
# Tiêu đề, tóm tắt, kết quả so với kế hoạch năm — header, headline, achievement chart
from IPython.display import display

from wardlib.params import check_parameters
from wardlib.report import NotebookStyle, WardReport, show_figure

check_parameters(globals(), "notebooks/ward_report.py")  # `papermill -p unit_code 29872` gives a number: take its digits, refuse the rest

report = WardReport.open(data_dir, unit_code, period, lang, analysis, findings)
display(NotebookStyle(), report.header(), report.headline())  # the style: for JupyterLab, not in the page
show_figure(report.achievement_figure(), "chart-achievement")

# %%
# Kết quả theo lĩnh vực, so với cùng kỳ, so với đơn vị cùng cấp — sections and two charts
display(report.section_tables())
show_figure(report.same_period_figure(), "chart-same-period")
show_figure(report.neighbours_figure(), "chart-neighbours")

# %%
# Đánh giá chung, cam kết, kiểm tra số liệu, nguồn — assessment, commitments, checks, sources
display(report.assessment(), report.commitments_table(), report.data_quality(), report.footer())
