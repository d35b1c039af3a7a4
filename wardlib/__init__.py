"""wardlib — socio-economic indicators of Vietnamese wards and communes, from data to shared HTML reports.

The modules, each owning one concern:

- ``periods``    reporting periods (2024, 2024-H1, 2024-Q3, 2024-06): parse, format, compare
- ``targets``    target expressions with a comparison prefix (``>37``, ``<=0``)
- ``findings``   the one record type for every problem found in the data
- ``catalog``    the indicator catalog (``indicators.csv``)
- ``units``      administrative units and their hierarchy over time (``units.csv``)
- ``adminunits`` Vietnam's official unit lists and the 2025 crosswalk, from ``vietnamadminunits``
- ``crosswalk``  which units became which on 1 July 2025 (``crosswalk.csv``), whose history can be rebuilt
- ``loaders``    reading a dataset folder and enforcing the data contract
- ``calc``       the indicator calculations: achievement, pace, status, change, rank, stated % check
- ``derive``     rows added to the observations: rates, period totals, roll-ups, rebuilt histories
- ``analysis``   the analysis table: every unit × period × indicator with its computed figures (Parquet)
- ``explore``    the interactive API for JupyterLab: league tables, who is behind, trends, charts
- ``params``     a notebook's parameters checked against the types its parameters cell declares
- ``fmt``        Vietnamese/English number and label formatting (Babel)
- ``texts``      every text pages and summary lines show, in Vietnamese and English, with one plural rule each
- ``numbers``    reading numbers as people write them (``5.137.820.843``, ``55,4%``, ``N/A``)
- ``tables``     reading one input file (CSV in any of its encodings and separators, Excel, Parquet)
- ``checks``     the consistency rules: stated % against computed, breakdowns, outliers, scale slips
- ``gx``         the Great Expectations suites (``expectations/``) and their Data Docs
- ``datadocs``   the GX Data Docs made to work offline: their scripts and styles served from the site
- ``quality``    every finding of a run in one table (``findings.json``, CSV export)
- ``narrative``  the report's sentences in the seed's style ("… đạt 55,4% kế hoạch")
- ``report``     building blocks the ward report notebook calls (tables, charts, banners)
- ``overview``   the parent's overview and trends pages; ``quality_report`` the data-quality page
- ``inputs``     what a page reads (``PageInputs``) and the one way in that opens it, for every page
- ``fingerprint`` every hash: files, rows, findings, datasets, and what pages are made with
- ``cache``      the loaded dataset kept for the next run and the kernels (Parquet + JSON, never pickle)
- ``plan``       the run's pages as data: units, parents, the parents' cuts of the analysis table
- ``render``     executing a notebook with papermill; what a page's header says (``page_info``)
- ``exporter``   the page's nbconvert parts: the ``wardlib`` template's preprocessor and exporter
- ``runner``     a batch run, read as its stages: load, plan, prepare, render what changed, publish
- ``manifest``   the run's record per page (``manifest.json``) and the rerun that finds nothing changed
- ``site``       the period's index page
- ``batch``      the pages of a run as tasks, here or on Dask workers; progress
- ``kernels``    executing notebook after notebook in a kept Jupyter kernel (jupyter_client + nbclient)
- ``warm``       what such a kernel keeps between units (its cached readers) and how it forgets the rest
- ``lock``       one run at a time per output folder
- ``demo``       synthetic demo datasets at province and national scale
- ``forms``      the Excel data-entry form per unit and period, for ward officers (``wardlib form``)
- ``formimport`` reading filled forms back, checked, into ``observations/forms/`` (``wardlib import``)
- ``documents``  reading narrative reports (Word with footnotes, text-layer PDF, text, Markdown)
- ``figures``    finding the figures of Vietnamese report prose, with their places
- ``extract``    mapping a report's figures to the catalog: the draft of ``wardlib extract`` (the command: ``drafts``)
- ``reportcheck`` a report's own arithmetic (``wardlib check-report``); ``review`` the review page
- ``outputs``    atomic file writes; ``paths`` where the package's data, notebooks and templates are
- ``cli``        the ``wardlib`` command
"""

__version__ = "0.1.0"

from wardlib.loaders import Dataset, load_dataset  # noqa: E402  (re-export for notebooks)
from wardlib.periods import Period  # noqa: E402

__all__ = ["Dataset", "Period", "load_dataset", "__version__"]
