"""Scans read by OCR: tesseract (Debian's tesseract-ocr with tesseract-ocr-chi-sim) run as a subprocess on
each page image, its TSV output turned into placed lines; lines read with low confidence are returned as
doubts for the legal office to check."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from ..errors import DocumentError, ErrorCode
from .base import RECOGNISING, OcrDoubt, Progress, Read, no_progress
from .convert import run_killable
from .layout import PlacedLine, paragraphs, tidy

OCR_LANGUAGES = "chi_sim+eng"
OCR_TIMEOUT_SECONDS = 120  # one page
DOUBT_CONFIDENCE = 70.0  # a line whose words average below this (tesseract's 0–100) is a doubt
MAX_IMAGE_PIXELS = 60_000_000
NO_OCR_MESSAGE = (
    "这是扫描件,本机未安装文字识别(OCR)组件,无法读取其中的文字。请上传可复制文字的版本"
    "(Word、WPS或带文字的PDF),或请系统管理员安装 tesseract-ocr 和 tesseract-ocr-chi-sim"
)


TESSERACT_CANDIDATES = ("tesseract", "/usr/bin/tesseract")


def tesseract_path() -> str | None:
    """Where tesseract is installed, or None (a machine without OCR refuses scans with a clear message)."""
    return next((found for found in map(shutil.which, TESSERACT_CANDIDATES) if found), None)


def require() -> str:
    """The tesseract binary with Chinese installed, or the ``DocumentError`` that says a scan cannot be read."""
    binary = tesseract_path()
    if binary is None:
        raise DocumentError(ErrorCode.NO_OCR, NO_OCR_MESSAGE)
    return binary


def read_image(data: bytes, *, progress: Progress = no_progress) -> Read:
    """A photo or scan of a page (.png, .jpg, .tif): checked as an image, then read by OCR."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DocumentError(ErrorCode.TOO_LARGE, f"图片过大({width}×{height}像素),请缩小后再上传")
            image.verify()
    except DocumentError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DocumentError(ErrorCode.DAMAGED, "图片已损坏或不完整,无法读取。请重新扫描或拍照后上传") from exc
    require()
    lines, doubts = recognise_pages([(1, data)], progress=progress)
    blocks = paragraphs(lines)
    return Read(text="\n".join(blocks), source_format="image", blocks=list(blocks), ocr_doubts=doubts, pages=1)


def recognise_pages(
    images: list[tuple[int, bytes]], *, progress: Progress = no_progress
) -> tuple[list[PlacedLine], list[OcrDoubt]]:
    """OCR of (page number, image bytes): the lines in reading order and the doubtful ones."""
    binary = require()
    placed: list[PlacedLine] = []
    doubts: list[OcrDoubt] = []
    with tempfile.TemporaryDirectory(prefix="lawgov-ocr-") as workdir:
        for done, (page, image) in enumerate(images):
            progress(RECOGNISING, done, len(images))
            path = Path(workdir) / f"page-{page}.img"
            path.write_bytes(image)
            command = [binary, str(path), "stdout", "-l", OCR_LANGUAGES, "--psm", "3", "tsv"]
            returncode, stdout, stderr = run_killable(command, timeout=OCR_TIMEOUT_SECONDS, cwd=workdir, capture=True)
            if returncode is None:
                raise DocumentError(
                    ErrorCode.CONVERSION,
                    f"第{page}页文字识别超过{OCR_TIMEOUT_SECONDS}秒仍未完成,已停止。请上传可复制文字的版本",
                )
            if returncode != 0:
                if "chi_sim" in stderr or "language" in stderr.lower():
                    raise DocumentError(ErrorCode.NO_OCR, NO_OCR_MESSAGE)
                raise DocumentError(ErrorCode.DAMAGED, f"第{page}页图片无法识别,请重新扫描后上传")
            lines = tsv_lines(stdout, page=page)
            placed.extend(line for line, _ in lines)
            doubts.extend(
                OcrDoubt(page=page, line=index, text=line.text, confidence=confidence)
                for index, (line, confidence) in enumerate(lines, start=1)
                if confidence < DOUBT_CONFIDENCE
            )
        progress(RECOGNISING, len(images), len(images))
    return placed, doubts


def tsv_lines(tsv: str, *, page: int) -> list[tuple[PlacedLine, float]]:
    """Tesseract's TSV (one row a word) as lines with their mean word confidence."""
    grouped: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        grouped.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    lines: list[tuple[PlacedLine, float]] = []
    for words in grouped.values():
        text = tidy(" ".join(word["text"].strip() for word in words))
        if not text:
            continue
        confidences = [float(word["conf"]) for word in words if float(word["conf"]) >= 0]
        left = min(int(word["left"]) for word in words)
        right = max(int(word["left"]) + int(word["width"]) for word in words)
        top = min(int(word["top"]) for word in words)
        size = sorted(int(word["height"]) for word in words)[len(words) // 2]
        confidence = sum(confidences) / len(confidences) if confidences else 0.0
        lines.append((PlacedLine(page, left, right, top, text, size), confidence))
    lines.sort(key=lambda item: (item[0].top, item[0].x0))
    return lines
