"""A real client reads the export: LibreOffice turns the demo plan's document into a PDF, and the
PDF's text holds the headings, a syllabics name and every indicator of the measurement framework.
Skipped, saying why, only where LibreOffice or pdftotext is not installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from exporthelp import TODAY

from cswb_desktop.core.sample import DEMO_FIRST_NATION_SYLLABICS
from cswb_desktop.export import export_plan, export_progress_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed here"),
    pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed here"),
    pytest.mark.timeout(300),
]


def to_pdf_text(docx_path, tmp_path) -> str:
    profile = tmp_path / "lo-profile"
    env = dict(os.environ, HOME=str(tmp_path))
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, env=env, timeout=240)
    pdf = tmp_path / (docx_path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF: {result.stdout} {result.stderr}"
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def in_order(name: str, stream: str) -> bool:
    """Each word of `name` occurs in `stream` after the previous one (gaps allowed)."""
    position = 0
    for word in name.split():
        found = stream.find(letters(word), position)
        if found < 0:
            return False
        position = found + len(letters(word))
    return True


def test_libreoffice_reads_the_plan_document(demo_plan, tmp_path):
    target = tmp_path / "plan.docx"
    export_plan(demo_plan, target, today=TODAY)
    text = to_pdf_text(target, tmp_path)
    flat = squash(text)
    for heading in ("Contents", "About this plan", "The framework", "Governance",
                    "Community engagement", "Local priority risks", "Strategies", "Logic models",
                    "Performance measurement framework", "Implementation timeline",
                    "Monitoring and review", "Appendix C: Glossary"):
        assert heading in flat, heading
    assert DEMO_FIRST_NATION_SYLLABICS in text
    # Every indicator is named in full (the appendix and the reporting schedule list them) …
    for indicator in demo_plan.indicators.list():
        assert squash(indicator.name) in flat, indicator.name
    # … and in the measurement framework's pages, where a PDF reader's text order interleaves the
    # table's cells, each name's words come in order.
    start = flat.index("Every indicator the plan will track")
    pmf = letters(flat[start:flat.index("Implementation timeline", start)])
    for indicator in demo_plan.indicators.list():
        assert in_order(indicator.name, pmf), indicator.name
    assert re.search(r"Page \d+ of \d+", flat)


def test_libreoffice_reads_the_progress_report(demo_plan, tmp_path):
    target = tmp_path / "progress.docx"
    export_progress_report(demo_plan, target, today=TODAY)
    flat = squash(to_pdf_text(target, tmp_path))
    for heading in ("Progress report", "Indicators", "Strategies", "Actions", "Progress updates"):
        assert heading in flat
    assert "On track" in flat and "Off track" in flat
