"""Old Office formats (.doc, .wps, .xls) converted by LibreOffice headless into what we read (.docx, .xlsx).

Each conversion runs ``soffice`` in its own temporary profile (so two uploads converting at once do not
share one, and a broken profile never sticks) in a new process group with a time limit; at the limit the
whole group is killed (soffice starts soffice.bin as a child) and nothing is left running.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import DocumentError, ErrorCode

CONVERT_TIMEOUT_SECONDS = 60
SOFFICE_CANDIDATES = ("soffice", "libreoffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
# A profile LibreOffice has initialised once (that takes half its start-up), copied into each conversion's
# private profile: conversions stay independent and start twice as fast.
PROFILE_TEMPLATE = Path(tempfile.gettempdir()) / f"lawgov-soffice-profile-{os.getuid()}"
# What the person is asked to save the file as when a conversion fails (.odt is our intermediate, not theirs).
_FORMAT_NAMES = {"docx": "Word(.docx)", "odt": "Word(.docx)", "xlsx": "Excel(.xlsx)", "pdf": "PDF"}


def soffice_path() -> str | None:
    """Where LibreOffice is installed, or None (the first of ``SOFFICE_CANDIDATES`` found)."""
    for candidate in SOFFICE_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def convert(data: bytes, *, source_suffix: str, target: str, timeout: float | None = None) -> bytes:
    """``data`` (a file ending in ``source_suffix``) converted by LibreOffice to ``target`` (docx, xlsx, pdf).

    Raises ``DocumentError``: LibreOffice missing, the conversion failed (a damaged or protected file) or
    took longer than ``timeout`` seconds (default ``CONVERT_TIMEOUT_SECONDS``; the processes are killed).
    """
    soffice = soffice_path()
    label = source_suffix.lstrip(".").upper()
    if soffice is None:
        raise DocumentError(
            ErrorCode.CONVERSION,
            f"本机未安装LibreOffice,无法读取.{label.lower()}文件。请在Word或WPS中另存为.docx(表格另存为.xlsx)后上传",
        )
    limit = CONVERT_TIMEOUT_SECONDS if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="lawgov-convert-") as workdir:
        work = Path(workdir)
        source = work / f"document{source_suffix}"
        source.write_bytes(data)
        out = work / "out"
        out.mkdir()
        profile = work / "profile"
        if PROFILE_TEMPLATE.is_dir():
            try:
                shutil.copytree(PROFILE_TEMPLATE, profile, ignore=shutil.ignore_patterns(".lock"))
            except OSError:
                shutil.rmtree(profile, ignore_errors=True)  # start from nothing: slower, still right
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        returncode, _, _ = run_killable(command, timeout=limit, cwd=workdir)
        if returncode is None:
            raise DocumentError(
                ErrorCode.CONVERSION,
                f"转换.{label.lower()}文件超过{limit:g}秒仍未完成,已停止。文件可能过大或已损坏,"
                f"请在Word或WPS中另存为{_FORMAT_NAMES.get(target, target)}后上传",
            )
        produced = out / f"document.{target.split(':')[0]}"
        if returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
            detail = "文件可能已损坏或设有密码"
            raise DocumentError(
                ErrorCode.CONVERSION,
                f"无法转换.{label.lower()}文件({detail})。请在Word或WPS中打开,另存为"
                f"{_FORMAT_NAMES.get(target, target)}后上传",
            )
        _keep_profile(profile)
        return produced.read_bytes()


def _keep_profile(profile: Path) -> None:
    """Keep a profile that served a good conversion as the template (once; atomically by rename)."""
    if PROFILE_TEMPLATE.is_dir() or not profile.is_dir():
        return
    staging = Path(tempfile.mkdtemp(prefix="lawgov-soffice-profile-staging-"))
    try:
        shutil.copytree(profile, staging / "profile", ignore=shutil.ignore_patterns(".lock"))
        os.rename(staging / "profile", PROFILE_TEMPLATE)
    except OSError:
        pass  # another conversion kept one first, or the disk is full: both fine
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_killable(
    command: list[str], *, timeout: float, cwd: str | None = None, capture: bool = False
) -> tuple[int | None, str, str]:
    """Run ``command`` in a new process group; at ``timeout`` kill the whole group.

    Returns (returncode, or None when killed at the limit; stdout if ``capture``; stderr).
    """
    process = subprocess.Popen(  # a fixed program with our own arguments, no shell
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "HOME": cwd or os.environ.get("HOME", "/tmp")},
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return None, "", ""
    finally:
        _kill_group(process, only_stragglers=True)
    return process.returncode, (stdout or b"").decode("utf-8", "replace"), (stderr or b"").decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen, *, only_stragglers: bool = False) -> None:
    """Kill the process group (soffice and soffice.bin; a child that outlived its parent, too)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if not only_stragglers:
        try:
            process.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be ignored
            pass
