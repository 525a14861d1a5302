"""A guard against decompression bombs in zip-based uploads (.docx, .xlsx): every member's declared size and
compression ratio is checked, and the inflated total capped, before any parser opens the archive.

Shared by the plan importer and the rubric import (``assessment``), which both take Office files from people.
"""

from __future__ import annotations

import io
import zipfile

from .errors import DocumentError, ErrorCode

MAX_INFLATED_BYTES = 50 * 1024 * 1024  # what all members together may expand to
MAX_COMPRESSION_RATIO = 100  # a member smaller than this many times its inflated size is suspicious
MAX_MEMBERS = 5000
_RATIO_FLOOR_BYTES = 1024 * 1024  # small members (styles, XML headers) compress far better than 100:1


def zip_check(data: bytes, *, label: str = "文件", max_inflated: int = MAX_INFLATED_BYTES) -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking it cannot inflate out of proportion; a ``DocumentError`` if it
    is not a zip, is damaged, or would inflate beyond ``max_inflated`` or ``MAX_COMPRESSION_RATIO``.
    A caller whose parser holds the whole document in memory (openpyxl outside read-only mode) passes a
    lower ``max_inflated``.

    The sizes come from the central directory; a member that inflates past its declared size is stopped by
    ``zipfile`` itself (it reads no more than ``file_size`` and then checks the CRC).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        code = ErrorCode.BAD_DOCX if "Word" in label else ErrorCode.DAMAGED
        raise DocumentError(code, f"文件已损坏或不完整,无法作为{label}打开。请重新保存后上传") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DocumentError(ErrorCode.TOO_LARGE, f"{label}内部包含的部件过多({len(members)}个),不像正常的文档")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise DocumentError(
                ErrorCode.TOO_LARGE,
                f"{label}内部的“{member.filename[:60]}”压缩比异常({ratio:.0f}倍),可能是恶意构造的文件,已拒绝",
            )
        if total > max_inflated:
            raise DocumentError(
                ErrorCode.TOO_LARGE,
                f"{label}解压后超过{max_inflated // (1024 * 1024)} MB,过大,请删去图片等内容后再上传",
            )
    return archive
