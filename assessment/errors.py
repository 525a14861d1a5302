"""The assessment's refusal, in a module of its own so that the pure rules (``assessment.rules``) and the
services can both raise it without one importing the other."""

from __future__ import annotations

from lawgov.errors import DomainError


class AssessmentError(DomainError):
    """A refused write of the assessment: rubric, cycle, self-assessment or review."""
