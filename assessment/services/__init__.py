"""Writes of the assessment app: rubric import, cycles and their windows, self-assessment, review, approval.

Every rule (whose submission, which window, which state may go where, what a fact may be) is checked here,
before anything is written, so a refused request leaves the database as it was. State changes are
conditional UPDATEs: two clicks on 提交, or two reviewers at once, cannot both win.

One module per stage, each importing only those before it (``_common`` → ``rubrics``, ``cycles`` →
``self_assessment`` → ``review``); the pure rules they apply are in ``assessment.rules``, the reads in
``assessment.selectors``. Callers import from here.
"""

from assessment.rules import RubricRules, rubric_signature, rubric_to_parsed
from assessment.services._common import AssessmentError
from assessment.services.cycles import cycle_create, cycle_update, default_participants, window_extend
from assessment.services.review import (
    ReviewInput,
    cycle_approve,
    cycle_rescore,
    review_allowed_statuses,
    review_save,
    submission_return,
    submission_totals,
    unsubmitted_batch_review,
)
from assessment.services.rubrics import (
    ImportOutcome,
    annexes_save,
    rubric_import_document,
    rubric_import_xlsx,
    rubric_save,
    statement_save,
)
from assessment.services.self_assessment import (
    ItemInput,
    self_assessment_check,
    self_assessment_save,
    self_assessment_submit,
    unit_window_end,
)

__all__ = [
    "AssessmentError",
    "ImportOutcome",
    "ItemInput",
    "ReviewInput",
    "RubricRules",
    "annexes_save",
    "cycle_approve",
    "cycle_create",
    "cycle_rescore",
    "cycle_update",
    "default_participants",
    "review_allowed_statuses",
    "review_save",
    "rubric_import_document",
    "rubric_import_xlsx",
    "rubric_save",
    "rubric_signature",
    "rubric_to_parsed",
    "self_assessment_check",
    "self_assessment_save",
    "self_assessment_submit",
    "statement_save",
    "submission_return",
    "submission_totals",
    "unit_window_end",
    "unsubmitted_batch_review",
    "window_extend",
]
