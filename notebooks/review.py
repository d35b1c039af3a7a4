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
# # Rà soát số liệu trích từ báo cáo — review of an extracted report
#
# The page `wardlib extract REPORT --review PAGE.html` writes: the report's text with every figure
# highlighted, what each was mapped to in the catalog and how sure the match is, the figures left
# unmapped and why, and what `wardlib check-report` finds in the report's arithmetic. Run it here on
# any report by changing `report`.

# %% tags=["parameters"]
report: str = ""  # đường dẫn tới báo cáo (.docx, .pdf, .txt, .md); để trống: báo cáo mẫu đi kèm
data_dir: str = ""  # thư mục dữ liệu (danh mục chỉ tiêu, đơn vị); để trống: dữ liệu mẫu đi kèm wardlib
unit_code: str = ""  # mã đơn vị; để trống: tìm trong phần đầu báo cáo
period: str = ""  # kỳ báo cáo, ví dụ 2024-H1; để trống: tìm trong tiêu đề báo cáo
lang: str = "vi"  # ngôn ngữ: vi hoặc en

# %%
from IPython.display import display

from wardlib.paths import default_data_dir
from wardlib.review import ReviewPage

page = ReviewPage.open(report or default_data_dir() / "sources" / "bao-cao-6-thang-2024-phuong-4.txt",
                       data_dir, unit_code, period, lang)
display(page.header(), page.checks())

# %%
display(page.figures_table())

# %%
display(page.report_text())
