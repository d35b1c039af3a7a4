"""Every text a page or a summary line shows, in Vietnamese and English: one catalog, one lookup.

``TEXTS`` maps a key (``page.name``: the page or part that shows it, then what it is) to its
Vietnamese and English text. Texts are ``str.format`` templates; :func:`t` fills them in. A count
that takes a noun is written ``{n} {n:error|errors}``: the format spec ``one|other`` gives the
English singular or plural by the language's plural rule (CLDR, from Babel). Vietnamese has no
plural form, so its texts write the noun once (``{n} lỗi``). A test checks that every key has both
languages and the same fields in both.

>>> t("index.checks", "en", e=1, w=13)
'1 error, 13 warnings'
>>> t("index.checks", "vi", e=1, w=13)
'1 lỗi, 13 cảnh báo'

Findings carry their own two messages (``message_vi``/``message_en``, the data format of
``findings.json``); they are written where the check is, not here.
"""

from __future__ import annotations

import string
from functools import cache

LANGS = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "report.title": {"vi": "Báo cáo tình hình kinh tế - xã hội", "en": "Socio-economic situation report"},
    "report.headline": {"vi": "Chỉ tiêu chính", "en": "Headline figures"},
    "report.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "report.result": {"vi": "Kết quả", "en": "Result"},
    "report.result_ytd": {"vi": "Kết quả lũy kế từ đầu năm", "en": "Result, year to date"},
    "report.ytd_short": {"vi": "lũy kế ", "en": "year to date "},
    "report.capped": {"vi": "▨ cột dài hơn trục, bị cắt ở {cap}; số ghi bên cạnh là giá trị thật",
                      "en": "▨ bar longer than the axis, cut at {cap}; the label gives its value"},
    "report.target": {"vi": "Kế hoạch", "en": "Target"},
    "report.achieved": {"vi": "Đạt", "en": "Achieved"},
    "report.stated": {"vi": "Tỷ lệ báo cáo nêu", "en": "Percentage stated"},
    "report.note": {"vi": "Ghi chú", "en": "Note"},
    "report.stt": {"vi": "STT", "en": "No."},
    "report.unit": {"vi": "ĐVT", "en": "Unit"},
    "report.commitment_target": {"vi": "Chỉ tiêu", "en": "Target"},
    "report.commitment_status": {"vi": "Tình trạng", "en": "Status"},
    "report.commitments": {"vi": "Phụ lục: kết quả thực hiện Bản cam kết hành động",
                           "en": "Appendix: action commitments, results"},
    "report.synthetic_banner": {"vi": "Dữ liệu minh họa", "en": "Demo data"},
    "report.synthetic_text": {"vi": ("Báo cáo này có dùng số liệu tạo tự động để minh họa, không phải số liệu thật "
                                     "({n} dòng, đánh dấu ‡). Không dùng để ra quyết định."),
                              "en": ("This report uses generated figures for illustration, not real data "
                                     "({n} {n:row|rows}, "
                                     "marked ‡). Do not base decisions on them.")},
    "report.synthetic_mark": {"vi": "‡ dữ liệu minh họa, hoặc tính từ dữ liệu minh họa",
                              "en": "‡ demo data, or computed from demo data"},
    "report.demo_parts_banner": {"vi": "Dữ liệu minh họa trong phần so sánh", "en": "Demo data in the comparisons"},
    "report.demo_parts_intro": {"vi": ("Số liệu của đơn vị trong kỳ là số liệu thật; chỉ phần so sánh có dùng số "
                                       "liệu minh họa: "),
                                "en": ("This unit's figures for the period are real; only the comparisons use demo "
                                       "figures: ")},
    "report.demo_parts_end": {"vi": ". Các số đó được đánh dấu ‡ và không dùng để ra quyết định.",
                              "en": ". Those figures are marked ‡; do not base decisions on them."},
    "report.demo_same_period": {"vi": "so sánh cùng kỳ dùng số liệu minh họa ({n} chỉ tiêu)",
                                "en": "comparisons with the same period last year use demo figures ({n} {n:line|lines})"},
    "report.demo_previous": {"vi": "so sánh với kỳ trước dùng số liệu minh họa ({n} chỉ tiêu)",
                             "en": "comparisons with the previous period use demo figures ({n} {n:line|lines})"},
    "report.demo_rank": {"vi": "xếp hạng và so sánh với các đơn vị cùng cấp dùng số liệu minh họa của các đơn vị khác",
                         "en": "ranks and comparisons with the neighbouring units use other units' demo figures"},
    "report.tip_source": {"vi": "Nguồn: {s}", "en": "Source: {s}"},
    "report.tip_note": {"vi": "Ghi chú: {s}", "en": "Note: {s}"},
    "report.tip_same_period": {"vi": "Cùng kỳ {p}: {v}", "en": "Same period {p}: {v}"},
    "report.tip_demo": {"vi": "tính từ số liệu minh họa", "en": "computed from demo data"},
    "report.recomputed": {"vi": "tính lại {pct}", "en": "recomputed {pct}"},
    "report.chart_achievement": {"vi": "Kết quả so với kế hoạch năm (%), vạch đứng: tiến độ cần đạt ({pace})",
                                 "en": "Result against the annual target (%); vertical line: expected pace ({pace})"},
    "report.chart_neighbours": {"vi": "{name}: tỷ lệ đạt kế hoạch của các đơn vị cùng {parent} (%)",
                                "en": "{name}: achievement of plan across the units of {parent} (%)"},
    "report.met": {"vi": "Đạt", "en": "Met"},
    "report.not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "report.no_data": {"vi": "Chưa có số liệu", "en": "No data"},
    "report.expected": {"vi": "tiến độ cần đạt", "en": "expected pace"},
    "report.this_unit": {"vi": "đơn vị này", "en": "this unit"},
    "report.other_units": {"vi": "đơn vị khác", "en": "other units"},
    "report.source": {"vi": "Nguồn số liệu", "en": "Source"},
    "report.version": {"vi": "phiên bản dữ liệu", "en": "data version"},
    "report.quality": {"vi": "Kiểm tra số liệu", "en": "Data checks"},
    "report.quality_none": {"vi": "Không phát hiện vấn đề nào trong số liệu của đơn vị.",
                            "en": "No problem was found in this unit's data."},

    "severity.error": {"vi": "Lỗi", "en": "Error"},
    "severity.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "severity.info": {"vi": "Ghi chú", "en": "Note"},

    "report.more_findings": {"vi": "… còn {n} dòng nữa", "en": "… {n} more"},
    "report.problem": {"vi": "Vấn đề", "en": "Problem"},
    "report.where": {"vi": "Vị trí", "en": "Where"},
    "report.level": {"vi": "Mức", "en": "Level"},
    "report.quality_intro": {"vi": ("Các kiểm tra tự động trên số liệu của kỳ: {e} lỗi, {w} cảnh báo, {i} ghi chú. "
                                    "Lỗi cần sửa trước khi gửi báo cáo."),
                             "en": ("Automatic checks on this period's data: {e} {e:error|errors}, "
                                    "{w} {w:warning|warnings}, {i} {i:note|notes}. "
                                    "Errors should be corrected before the report is sent.")},
    "report.results": {"vi": "I. Kết quả thực hiện", "en": "I. Results"},
    "report.assessment": {"vi": "4. Đánh giá chung", "en": "4. General assessment"},
    "report.change": {"vi": "So với cùng kỳ", "en": "vs same period"},
    "report.not_comparable": {"vi": "không so sánh được", "en": "not comparable"},
    "report.rank": {"vi": "hạng {rank}/{of} trong các đơn vị cùng cấp", "en": "rank {rank} of {of} neighbouring units"},
    "report.chart_same_period": {"vi": "Thay đổi so với cùng kỳ năm trước (%): xanh là tốt lên, đỏ là xấu đi",
                                 "en": "Change from the same period last year (%): green is better, red is worse"},

    "overview.overview": {"vi": "Tổng quan các đơn vị", "en": "Overview of the units"},
    "overview.trends": {"vi": "Xu hướng theo thời gian", "en": "Trends over time"},
    "overview.unit": {"vi": "Đơn vị", "en": "Unit"},
    "overview.league": {"vi": "Xếp hạng: {name}", "en": "League table: {name}"},
    "overview.commitments": {"vi": "Bản cam kết hành động: tình trạng theo đơn vị",
                             "en": "Action commitments: status by unit"},
    "overview.behind": {"vi": "Đơn vị chậm tiến độ", "en": "Units behind schedule"},
    "overview.none_behind": {"vi": "Không có đơn vị nào chậm tiến độ.", "en": "No unit is behind schedule."},
    "overview.statuses": {"vi": "Số chỉ tiêu theo tình trạng", "en": "Lines by status"},
    "overview.statuses_order": {"vi": ("xếp hạng: 1 là đơn vị có nhiều chỉ tiêu đạt hoặc đúng tiến độ nhất (rồi ít "
                                       "chỉ tiêu chậm nhất)"),
                                "en": "ranked: 1 has the most lines achieved or on track (then the fewest behind)"},
    "overview.distribution": {"vi": "Phân bố tỷ lệ đạt kế hoạch giữa các đơn vị (%)",
                              "en": "Spread of achievement across the units (%)"},
    "overview.rank": {"vi": "Hạng", "en": "Rank"},
    "overview.achieved": {"vi": "Đạt", "en": "Achieved"},
    "overview.value": {"vi": "Kết quả", "en": "Result"},
    "overview.target": {"vi": "Kế hoạch", "en": "Target"},
    "overview.change": {"vi": "So với cùng kỳ", "en": "vs same period"},
    "overview.total": {"vi": "Toàn {name}", "en": "All of {name}"},
    "overview.banner": {"vi": "Dữ liệu minh họa", "en": "Demo data"},
    "overview.synthetic": {"vi": ("Trang này có dùng số liệu tạo tự động để minh họa (đánh dấu ‡), không phải số "
                                  "liệu thật."),
                           "en": "This page uses generated figures for illustration (marked ‡), not real data."},
    "overview.rebuilt": {"vi": "điểm rỗng: cộng từ các đơn vị trước sáp nhập (1/7/2025)",
                         "en": "hollow points: sum of the units merged on 1 July 2025"},
    "overview.target_line": {"vi": "kế hoạch", "en": "target"},

    "quality.title": {"vi": "Kiểm tra chất lượng số liệu", "en": "Data quality checks"},
    "quality.by_rule": {"vi": "Theo loại kiểm tra", "en": "By check"},
    "quality.by_unit": {"vi": "Theo đơn vị", "en": "By unit"},
    "quality.details": {"vi": "Chi tiết", "en": "Details"},
    "quality.rule": {"vi": "Kiểm tra", "en": "Check"},
    "quality.unit": {"vi": "Đơn vị", "en": "Unit"},
    "quality.count": {"vi": "Số lượng", "en": "Count"},
    "quality.docs": {"vi": "Kết quả kiểm tra bằng Great Expectations (Data Docs)",
                     "en": "Great Expectations results (Data Docs)"},
    "quality.chart": {"vi": "Số vấn đề theo loại kiểm tra", "en": "Problems by check"},
    "quality.planted": {"vi": "Lỗi cài sẵn trong dữ liệu minh họa", "en": "Faults planted in the demo data"},
    "quality.planted_intro": {"vi": ("Bộ dữ liệu minh họa này được cài sẵn {n} lỗi (tệp planted.csv) để cho thấy các"
                                     " kiểm tra hoạt động; ngoài các lỗi này, dữ liệu minh họa không có lỗi nào."),
                              "en": ("This demo dataset has {n} faults planted (file planted.csv) to show the checks"
                                     " at work; apart from them the demo data has no problem.")},
    "quality.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "quality.period": {"vi": "Kỳ", "en": "Period"},
    "quality.what": {"vi": "Lỗi được cài", "en": "What was planted"},
    "quality.found": {"vi": "Đã phát hiện", "en": "Found"},
    "quality.yes": {"vi": "có", "en": "yes"},
    "quality.no": {"vi": "không", "en": "no"},

    "index.title": {"vi": "Báo cáo các đơn vị", "en": "Unit reports"},
    "index.col_code": {"vi": "Mã", "en": "Code"},
    "index.col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "index.col_parent": {"vi": "Trực thuộc", "en": "Parent"},
    "index.col_status": {"vi": "Trạng thái", "en": "Status"},
    "index.col_checks": {"vi": "Kiểm tra số liệu", "en": "Data checks"},
    "index.col_error": {"vi": "Lỗi", "en": "Error"},
    "index.checks": {"vi": "{e} lỗi, {w} cảnh báo", "en": "{e} {e:error|errors}, {w} {w:warning|warnings}"},
    "index.quality": {"vi": "Kiểm tra chất lượng số liệu của kỳ", "en": "Data quality checks of the period"},
    "index.docs": {"vi": "Kết quả Great Expectations (Data Docs)", "en": "Great Expectations results (Data Docs)"},
    "index.search": {"vi": "Tìm đơn vị…", "en": "Find a unit…"},
    "index.ok": {"vi": "đã lập", "en": "done"},
    "index.failed": {"vi": "lỗi", "en": "failed"},
    "index.pending": {"vi": "chưa lập", "en": "not rendered"},
    "index.banner": {"vi": "Dữ liệu minh họa", "en": "Demo data"},
    "index.synthetic": {"vi": "Các báo cáo đánh dấu ‡ dùng số liệu tạo tự động để minh họa, không phải số liệu thật.",
                        "en": "Reports marked ‡ use generated figures for illustration, not real data."},
    "index.generated": {"vi": "Lập lúc", "en": "Generated"},
    "page.data_version": {"vi": "Phiên bản dữ liệu", "en": "Data version"},
    "index.version": {"vi": "Phiên bản dữ liệu", "en": "Data version"},

    "narrative.of_plan": {"vi": "đạt {pct} kế hoạch", "en": "{pct} of plan"},
    "narrative.target": {"vi": "chỉ tiêu {target}", "en": "target {target}"},
    "narrative.met": {"vi": "đạt", "en": "met"},
    "narrative.not_met": {"vi": "chưa đạt", "en": "not met"},
    "narrative.up": {"vi": "tăng {n} so với cùng kỳ", "en": "up {n} on the same period last year"},
    "narrative.down": {"vi": "giảm {n} so với cùng kỳ", "en": "down {n} on the same period last year"},
    "narrative.same": {"vi": "bằng cùng kỳ", "en": "the same as a year earlier"},
    "narrative.stated": {"vi": " (báo cáo nêu {pct})", "en": " (the report states {pct})"},
    "narrative.good": {"vi": "Đạt hoặc đúng tiến độ kế hoạch: {items}.", "en": "Achieved or on track: {items}."},
    "narrative.slow": {"vi": "Việc thực hiện các chỉ tiêu còn chậm như {items}.", "en": "Behind schedule: {items}."},
    "narrative.worse": {"vi": "Tăng so với cùng kỳ (theo hướng xấu) như {items}.",
                        "en": "Worse than the same period last year: {items}."},
    "narrative.none": {"vi": "Chưa có chỉ tiêu nào có kế hoạch để đánh giá tiến độ.",
                       "en": "No line with a target to judge progress by yet."},
    "narrative.errors": {"vi": "Số liệu còn {n} lỗi cần sửa trước khi gửi báo cáo (xem phần Kiểm tra số liệu).",
                         "en": ("The data still has {n} {n:error|errors} to correct before the report is sent (see Data "
                                "checks).")},
    "narrative.and": {"vi": " và ", "en": " and "},
    "narrative.more": {"vi": " và {n} chỉ tiêu khác", "en": " and {n} more"},
    "narrative.demo_baseline": {"vi": " ‡ (số liệu cùng kỳ là số liệu minh họa)",
                                "en": " ‡ (last year's figure is demo data)"},
    "narrative.demo_value": {"vi": " ‡ (số liệu minh họa)", "en": " ‡ (demo data)"},
    "narrative.ytd": {"vi": "lũy kế từ đầu năm ", "en": "year to date "},
    "narrative.in_period": {"vi": " ({period})", "en": " ({period})"},

    "explore.header.unit_code": {"vi": "Mã", "en": "Code"},
    "explore.header.unit_name": {"vi": "Đơn vị", "en": "Unit"},
    "explore.header.value": {"vi": "Kết quả ({unit})", "en": "Result ({unit})"},
    "explore.header.target": {"vi": "Kế hoạch ({unit})", "en": "Target ({unit})"},
    "explore.header.target_value": {"vi": "Kế hoạch ({unit})", "en": "Target ({unit})"},
    "explore.header.achievement_pct": {"vi": "Đạt (% kế hoạch)", "en": "Achieved (% of target)"},
    "explore.header.expected_pct": {"vi": "Tiến độ cần đạt (%)", "en": "Expected by now (%)"},
    "explore.header.status": {"vi": "Đánh giá", "en": "Status"},
    "explore.header.rank": {"vi": "Hạng", "en": "Rank"},
    "explore.header.rank_of": {"vi": "Số đơn vị", "en": "Of"},
    "explore.header.change_abs": {"vi": "Tăng/giảm so với cùng kỳ", "en": "Change on same period"},
    "explore.header.change_pct": {"vi": "So với cùng kỳ", "en": "vs same period"},
    "explore.header.change_note": {"vi": "Ghi chú so sánh", "en": "Comparison note"},
    "explore.header.period": {"vi": "Kỳ", "en": "Period"},
    "explore.header.origin": {"vi": "Nguồn số liệu", "en": "Where the figure comes from"},
    "explore.header.synthetic": {"vi": "Minh họa", "en": "Demo"},
    "explore.origin.reported": {"vi": "báo cáo", "en": "reported"},
    "explore.origin.rate": {"vi": "tính từ tử số, mẫu số", "en": "computed from numerator and denominator"},
    "explore.origin.period_total": {"vi": "cộng các kỳ", "en": "sum of periods"},
    "explore.origin.rollup": {"vi": "cộng các đơn vị trực thuộc", "en": "sum of the units below"},
    "explore.origin.rebuilt": {"vi": "cộng các đơn vị sáp nhập ngày 1/7/2025",
                               "en": "sum of the units merged on 1 July 2025"},
    "explore.origin.no_baseline": {"vi": "chưa có số cùng kỳ", "en": "no same-period figure"},
    "explore.origin.zero_baseline": {"vi": "cùng kỳ bằng 0", "en": "same period was 0"},
    "explore.origin.not_comparable": {"vi": "không so sánh được (đơn vị chia tách)",
                                      "en": "not comparable (the unit was split)"},
    "explore.synthetic": {"vi": "‡ số liệu minh họa", "en": "‡ demo data"},

    "status.achieved": {"vi": "Đạt", "en": "Achieved"},
    "status.on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "status.needs_acceleration": {"vi": "Cần đẩy nhanh", "en": "Needs acceleration"},
    "status.off_track": {"vi": "Chậm", "en": "Off track"},
    "status.deteriorating": {"vi": "Xấu đi", "en": "Deteriorating"},
    "status.no_target": {"vi": "Không có kế hoạch", "en": "No target"},
    "status.no_data": {"vi": "Chưa có số liệu", "en": "No data"},
    "review.title": {"vi": "Rà soát số liệu trích từ báo cáo", "en": "Review of the figures extracted from a report"},
    "review.draft": {"vi": "Bản nháp do máy trích — cần người rà soát trước khi dùng", "en": "Machine-extracted draft — to be reviewed by a person before use"},
    "review.figures": {"vi": "Các số liệu tìm thấy", "en": "Figures found"},
    "review.checks": {"vi": "Kiểm tra số học của báo cáo", "en": "The report's arithmetic"},
    "review.text": {"vi": "Nội dung báo cáo", "en": "The report's text"},
    "review.where": {"vi": "Vị trí", "en": "Place"},
    "review.figure": {"vi": "Số như trong báo cáo", "en": "As written"},
    "review.value": {"vi": "Giá trị", "en": "Value"},
    "review.target": {"vi": "Kế hoạch", "en": "Plan"},
    "review.pct": {"vi": "Tỷ lệ nêu", "en": "Stated %"},
    "review.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "review.confidence": {"vi": "Độ tin cậy", "en": "Confidence"},
    "review.period": {"vi": "Kỳ", "en": "Period"},
    "review.reason": {"vi": "Lý do chưa gán", "en": "Why not mapped"},
    "review.none": {"vi": "Không phát hiện sai sót số học.", "en": "No arithmetic problem found."},
    "review.severity": {"vi": "Mức", "en": "Level"},
    "review.message": {"vi": "Nội dung", "en": "Finding"},
    "review.mapped": {"vi": "đã gán", "en": "mapped"},
    "review.unmapped": {"vi": "chưa gán", "en": "not mapped"},
    "review.file": {"vi": "Tệp", "en": "File"},
    "review.reason.no match": {"vi": "không khớp chỉ tiêu nào", "en": "matches no indicator"},
    "review.reason.ambiguous": {"vi": "khớp nhiều chỉ tiêu như nhau", "en": "matches several indicators equally"},
    "review.reason.taken": {"vi": "chỉ tiêu đã có số khác", "en": "the indicator already has another figure"},
    "review.reason.plan": {"vi": "phần nhiệm vụ kỳ tới (kế hoạch)", "en": "next period's tasks (a plan)"},
    "review.reason.last year": {"vi": "số của cùng kỳ năm trước", "en": "last year's figure"},
    "review.counts": {"vi": "{mapped} số đã gán chỉ tiêu, {unmapped} số chưa gán", "en": "{mapped} figures mapped to an indicator, {unmapped} not mapped"},

    "finding.error": {"vi": "lỗi", "en": "error"},  # a finding's severity, in a line of text
    "finding.warning": {"vi": "cảnh báo", "en": "warning"},  # a finding's severity, in a line of text
    "finding.info": {"vi": "ghi chú", "en": "note"},  # a finding's severity, in a line of text

    # summary lines of the command line (wardlib validate / run / check-report / make-forms / import-forms)
    "cli.validate_summary": {"vi": "{path}: {e} lỗi, {w} cảnh báo/ghi chú",
                             "en": "{path}: {e} {e:error|errors}, {w} {w:warning or note|warnings or notes}"},
    "cli.contract_refused": {"vi": ("wardlib: dữ liệu vi phạm hợp đồng dữ liệu ({contract} lỗi); chưa tạo báo cáo "
                                    "nào. Tất cả {n} phát hiện ({e} lỗi) được liệt kê ở trên, như `wardlib validate` "
                                    "cho."),
                             "en": ("wardlib: the data breaks the contract ({contract} {contract:error|errors}); "
                                    "nothing was rendered. The {n} {n:finding|findings} ({e} {e:error|errors}) "
                                    "{n:is|are} listed above, as `wardlib validate` gives them.")},
    "cli.run_summary": {"vi": ("{out}: đã lập {rendered} báo cáo, {skipped} không đổi, {failed} lỗi{pages}; "
                               "kiểm tra số liệu: {e} lỗi (xem {quality}); mục lục: {index}; {seconds} giây"),
                        "en": ("{out}: {rendered} {rendered:report|reports} written, {skipped} unchanged, "
                               "{failed} failed{pages}; data checks: {e} {e:error|errors} (see {quality}); "
                               "index: {index}; {seconds} s")},
    "cli.pages_failed": {"vi": "; {n} trang của kỳ bị lỗi ({codes})",
                         "en": "; {n} period {n:page|pages} failed ({codes})"},
    "cli.failed_unit": {"vi": "  lỗi: {code} {name}{where}: {error}", "en": "  failed: {code} {name}{where}: {error}"},
    "cli.in_cell": {"vi": " ở ô {i} ({source})", "en": " in cell {i} ({source})"},
    "cli.more_failed": {"vi": "  … còn {n} đơn vị nữa trong {path}", "en": "  … {n} more in {path}"},
    "cli.interrupted": {"vi": ("wardlib: đã dừng giữa chừng; phần đã làm được ghi trong {out}/<kỳ>/{where}manifest.json — "
                               "chạy lại đúng lệnh đó để làm tiếp"),
                        "en": ("wardlib: interrupted; what was done is recorded in {out}/<period>/{where}manifest.json — "
                               "run the same command again to resume")},
    "cli.report_check": {"vi": "{name}: {wrong} vấn đề, {notes} ghi chú",
                         "en": "{name}: {wrong} {wrong:problem|problems}, {notes} {notes:note|notes}"},
    "cli.forms_written": {"vi": "{folder}: đã ghi {n} biểu mẫu", "en": "{folder}: {n} {n:form|forms} written"},
    "cli.import_refused": {"vi": "{n} lỗi: chưa ghi gì; hãy sửa biểu mẫu và nhập lại",
                           "en": "{n} {n:error|errors}: nothing written; correct the form and import it again"},
    "contract.refused": {"vi": "{n} lỗi hợp đồng dữ liệu; lỗi đầu tiên: {first}",
                         "en": "{n} data contract {n:error|errors}; first: {first}"},
    "gx.unexpected_rows": {"vi": "{n} dòng không đạt", "en": "{n} unexpected {n:row|rows}"},
    "gx.first_listed": {"vi": " (liệt kê {n} dòng đầu)", "en": " (the first {n} listed)"},

    # what a reader sees of codes and words the data carries
    "narrative.derived": {"vi": "suy ra từ báo cáo:", "en": "derived from the report:"},
    "source.synthetic": {"vi": "số liệu minh họa", "en": "demo data"},
    "source.computed": {"vi": "tính từ các số liệu khác", "en": "computed from other figures"},
    # statuses as wards write them (observations' ``status``): English pages show them in English
    "written_status.in_progress": {"vi": "Đang thực hiện", "en": "In progress"},
    "written_status.done": {"vi": "Hoàn thành", "en": "Completed"},
    "written_status.done_well": {"vi": "Hoàn thành tốt", "en": "Completed well"},
    "written_status.done_excellently": {"vi": "Hoàn thành xuất sắc", "en": "Completed with distinction"},
    "written_status.excellent": {"vi": "Xuất sắc", "en": "Excellent"},
    "written_status.good": {"vi": "Tốt", "en": "Good"},
    "written_status.met": {"vi": "Đạt", "en": "Met"},
    "written_status.not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "written_status.not_started": {"vi": "Chưa thực hiện", "en": "Not started"},

    # errors of a text that is not what its column holds
    "error.period": {"vi": ("'{text}' không phải kỳ báo cáo: hãy viết YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..Q4 hoặc "
                            "YYYY-MM (ví dụ 2024-H1 cho 6 tháng đầu năm 2024, 2024-06 cho tháng 6/2024)"),
                     "en": ("'{text}' is not a period: write YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..Q4 or YYYY-MM "
                            "(e.g. 2024-H1 for the first six months of 2024, 2024-06 for June 2024)")},
    "error.target": {"vi": ("'{text}' không phải chỉ tiêu: hãy viết số (dấu chấm thập phân, không dấu phân cách "
                            "nghìn), có thể kèm >, >=, <, <= hoặc = ở đầu (ví dụ 9270000000, >37, >=98.5)"),
                     "en": ("'{text}' is not a target: write a plain number with a dot for decimals and no "
                            "thousands separators, optionally after >, >=, <, <= or = (e.g. 9270000000, >37, "
                            ">=98.5)")},
    "error.target_vi": {"vi": ("'{text}' không phải chỉ tiêu: hãy viết số (dấu chấm thập phân, không dấu phân cách "
                               "nghìn), có thể kèm >, >=, <, <= hoặc = ở đầu (ví dụ 9270000000, >37, >=98.5), hoặc "
                               "khai báo cách viết số Việt Nam bằng --locale vi (hay locale = \"vi\" trong "
                               "dataset.toml)"),
                        "en": ("'{text}' is not a target: write a plain number with a dot for decimals and no "
                               "thousands separators, optionally after >, >=, <, <= or = (e.g. 9270000000, >37, "
                               ">=98.5), or declare Vietnamese number writing with --locale vi (or locale = \"vi\" "
                               "in dataset.toml)")},
}


@cache
def _plural(lang: str):
    from babel import Locale  # here, not at import: the command line starts without Babel

    from wardlib.fmt import LOCALES

    return Locale.parse(LOCALES[lang]).plural_form


@cache  # Babel evaluates the CLDR rule in ~10 µs; pages ask for the same few counts again and again
def plural_form(lang: str, n: float) -> str:
    """The CLDR plural category of ``n`` in ``lang``: English ``one`` for 1, else ``other``; Vietnamese always ``other``."""
    return _plural(_lang(lang))(abs(n))


class _Formatter(string.Formatter):
    """``str.format`` plus plural choice: ``{n:error|errors}`` is one word chosen by ``n``."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        if "|" in format_spec:
            one, other = format_spec.split("|")
            return one if plural_form(self.lang, value) == "one" else other
        return super().format_field(value, format_spec)


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {list(LANGS)}, not {lang!r}")
    return lang


def t(key: str, lang: str, /, **fields) -> str:
    """The text of ``key`` in ``lang``, its ``{fields}`` filled in (none given: the text as written).

    An unknown key is a ``KeyError`` naming it: a typo must not show an empty line on a page.
    """
    try:
        text = TEXTS[key][_lang(lang)]
    except KeyError:
        raise KeyError(f"no text {key!r} in wardlib.texts.TEXTS") from None
    return _Formatter(lang).format(text, **fields) if fields else text


def status(code: str, lang: str) -> str:
    """A status of ``wardlib.calc.STATUSES`` in words: ``status("on_track", "vi")`` is "Đúng tiến độ"."""
    return t(f"status.{code}", lang)


@cache
def _written_statuses() -> dict[str, str]:
    return {TEXTS[k]["vi"].casefold(): k for k in TEXTS if k.startswith("written_status.")}


def written_status(text: str, lang: str) -> str:
    """A status as the data writes it (``Đang thực hiện``), in ``lang``: the usual words are translated
    for English pages, any other text is shown as written."""
    key = _written_statuses().get(str(text or "").strip().casefold())
    return t(key, lang) if key and lang != "vi" else str(text or "")


class Texts:
    """The texts of one page in one language: ``tx["title"]`` as written, ``tx("rank", rank=2, of=9)`` filled.

    ``prefix`` is the page's part of the key (``"report"`` reads ``report.title`` as ``title``).
    """

    def __init__(self, prefix: str, lang: str):
        self.prefix, self.lang = prefix, _lang(lang)

    def __getitem__(self, name: str) -> str:
        return t(f"{self.prefix}.{name}", self.lang)

    def __call__(self, name: str, /, **fields) -> str:
        return t(f"{self.prefix}.{name}", self.lang, **fields)


def fields(text: str) -> set[str]:
    """The names of a template's fields (``{n}`` and ``{n:error|errors}`` are both ``n``), for the catalog's test."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
