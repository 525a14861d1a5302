"""What every format reader returns, and the progress callback the background job listens to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Row = list[str]
Table = list[Row]
Block = str | Table  # a paragraph, or a table as rows of cells
# A cell covered by the cell above it (a vertical merge in Word or Excel): the table reader takes the value
# above (a lead unit merged over three tasks leads all three); the text keeps it once.
SAME_AS_ABOVE = "\x00above"

# Stages a slow read goes through, named as the plan-import job declares them (plans.models).
CONVERTING = "converting"
EXTRACTING = "extracting"
RECOGNISING = "recognising"
PARSING = "parsing"


class Progress(Protocol):
    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None: ...


def no_progress(stage: str, done: int = 0, total: int = 0) -> None:
    """The default: nobody is watching (the command line, a test, a fast format)."""


@dataclass
class OcrDoubt:
    """A line OCR read with low confidence: the legal office should check it against the paper."""

    page: int
    line: int
    text: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "line": self.line, "text": self.text, "confidence": round(self.confidence, 1)}


@dataclass
class Read:
    """A document as read: ``text`` one block a line (what the text parser takes), ``blocks`` in document
    order (what the table reader takes), the format it was read as, and OCR's doubtful lines."""

    text: str
    source_format: str
    blocks: list[Block] = field(default_factory=list)
    ocr_doubts: list[OcrDoubt] = field(default_factory=list)
    pages: int | None = None

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, list)]

    def annotate(self, document: Any) -> Any:
        """Record on a parsed document where it came from (the JSON's source_format and ocr_doubts)."""
        document.source_format = self.source_format
        document.ocr_doubts = list(self.ocr_doubts)
        return document


def blocks_text(blocks: list[Block]) -> str:
    """The text of blocks, one paragraph or table cell a line (how tables read as text before: the rubric
    annexes are parsed cell by cell)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        else:
            for row in block:
                lines.extend(cell for cell in row if cell.strip() and cell != SAME_AS_ABOVE)
    return "\n".join(line for line in lines if line.strip())
