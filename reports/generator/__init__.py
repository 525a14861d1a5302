"""The annual report's generator: gather a jurisdiction-year's facts (reads only), then write a draft from them.

``gather`` (gathering.py) issues a fixed number of queries whatever the size of the year (plans, sections,
tasks, assignments, targets, accepted reports, figures, assessment); ``write`` (writing.py) is pure Python
over the gathered facts (facts.py) and the wording templates (wording.py). No sentence is made up here: each
one is a wording template (editable by the legal office) filled with facts, and each paragraph carries the
ids of the tasks, progress reports and figures it came from.

The modules import each other directly, never this package, so there is no cycle; callers use the names
below (``from reports import generator``; ``generator.write`` is what tests patch).
"""

from reports.generator.facts import (
    GUANGZHOU_THEMES,
    AssessmentFacts,
    Figure,
    ReportFact,
    TargetCheck,
    TaskFact,
    Theme,
    YearData,
    cn_date,
    government_name,
    ordinal,
    self_reference,
)
from reports.generator.gathering import (
    _clean,
    assessment_facts,
    check_targets,
    gather,
    gather_figures,
    task_title,
)
from reports.generator.wording import (
    FRAMES,
    WORDING_DIR,
    FrameError,
    Wording,
    WordingError,
    compile_wording,
    default_wording,
    fill_frame,
    frame_check,
    frame_from_template,
    frame_preview,
    is_template_syntax,
    render_wording,
    wording_for,
)
from reports.generator.writing import _sources, write

__all__ = [
    "FRAMES",
    "GUANGZHOU_THEMES",
    "WORDING_DIR",
    "AssessmentFacts",
    "Figure",
    "FrameError",
    "ReportFact",
    "TargetCheck",
    "TaskFact",
    "Theme",
    "Wording",
    "WordingError",
    "YearData",
    "_clean",
    "_sources",
    "assessment_facts",
    "check_targets",
    "cn_date",
    "compile_wording",
    "default_wording",
    "fill_frame",
    "frame_check",
    "frame_from_template",
    "frame_preview",
    "gather",
    "gather_figures",
    "government_name",
    "is_template_syntax",
    "ordinal",
    "render_wording",
    "self_reference",
    "task_title",
    "wording_for",
    "write",
]
