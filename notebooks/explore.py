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

# %% [markdown]
# # Khám phá số liệu — explore
#
# A starting point for planners in JupyterLab (`make lab`). `Analysis` holds
# the analysis table of a dataset — every unit × period × indicator with its
# achievement, pace, status, comparisons and rank — and answers questions in a
# line. Change the cells and run them; nothing here changes the data files.

# %% tags=["parameters"]
data_dir: str = ""  # thư mục dữ liệu; để trống: dữ liệu mẫu đi kèm wardlib

# %%
from wardlib.explore import Analysis
from wardlib.params import check_parameters

check_parameters(globals(), "notebooks/explore.py")  # `papermill -p parent 866` gives a number: take its digits, refuse the rest

a = Analysis.load(data_dir or None)
a.find("ngân sách")  # indicators whose name mentions the budget (accents optional)

# %% [markdown]
# Which wards of TP Cao Lãnh are behind on budget revenue in the first half of 2024?

# %%
a.behind("budget_revenue", parent="866", period="2024-H1")

# %% [markdown]
# All of them, ranked, and as a chart:

# %%
a.league("budget_revenue", parent="866", period="2024-H1")

# %%
a.league_figure("budget_revenue", parent="866", period="2024-H1")

# %% [markdown]
# How has dengue moved in Phường 4 since 2023? And Phường Cao Lãnh's budget across the
# 2025 merger (2023–2025 rebuilt from its nine predecessors):

# %%
a.trend("sốt xuất huyết", unit="29872", since="2023")

# %%
a.trend_figure("budget_revenue", unit="29869")

# %% [markdown]
# The whole table, for your own questions (pandas):

# %%
a.table[a.table["status"].eq("off_track")].groupby("name_vi", observed=True).size().sort_values().tail(10)
