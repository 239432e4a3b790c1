"""The font shipped in resources/fonts shows syllabics on a machine that has no such font."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from cswb_desktop.core.resources import resource_path

SYLLABICS = "ᐊᓂᔑᓈᐯᒧᐎᓐ"  # Anishinaabemowin, in syllabics


def test_the_font_and_its_licence_are_shipped():
    fonts = resource_path("fonts")
    assert (fonts / "NotoSansCanadianAboriginal-Regular.ttf").stat().st_size > 10_000
    licence = (fonts / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence and "Copyright 2018 Google Inc." in licence


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig decides the fallback fonts")
def test_syllabics_draw_with_real_glyphs_when_no_system_font_has_them(tmp_path):
    """Fontconfig is pointed at an empty font folder: only the program's own fonts remain."""
    (tmp_path / "fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(textwrap.dedent(f"""\
        <?xml version="1.0"?>
        <!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
        <fontconfig><dir>{tmp_path / 'fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>
        """), encoding="utf-8")
    script = textwrap.dedent(f"""\
        from PySide6.QtGui import QFont, QGuiApplication, QTextLayout
        from cswb_desktop.app import load_bundled_fonts
        app = QGuiApplication([])
        load_bundled_fonts()
        layout = QTextLayout({SYLLABICS!r}, QFont())
        layout.beginLayout(); layout.createLine(); layout.endLayout()
        for run in layout.glyphRuns():
            print(run.rawFont().familyName(), *run.glyphIndexes())
        """)
    env = dict(os.environ, FONTCONFIG_FILE=str(config), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    runs = [line.rsplit(" ", len(SYLLABICS)) for line in result.stdout.splitlines() if line.strip()]
    assert runs, result.stdout
    for family, *glyphs in runs:
        assert "Canadian Aboriginal" in family
        assert len(glyphs) == len(SYLLABICS) and "0" not in glyphs  # glyph 0 is the empty box
