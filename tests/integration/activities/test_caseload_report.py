"""The caseload report: self-contained HTML that headless Chromium renders with the chart."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from services.activities.seed import CASEWORKER, CLIENTS, seed_sample_data
from services.cli import main as jobmatch

CHROMIUM = Path("/usr/bin/chromium")


def non_white_pixels(png: bytes) -> int:
    """Count pixels that are not white in an 8-bit RGB/RGBA PNG (tiny decoder, no filters skipped)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    count = 0
    for row in range(len(raw) // (stride + 1)):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, upleft = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upleft)) & 0xFF
        count += sum(1 for x in range(0, stride, channels) if line[x:x + 3] != b"\xff\xff\xff")
        previous = line
    return count


@pytest.fixture
def report(offline_settings, offline_app, tmp_path, monkeypatch) -> Path:
    seed_sample_data(offline_app)
    offline_app.close()
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(offline_settings.data_dir))
    out = tmp_path / "caseload.html"
    assert jobmatch(["report", "caseload", "--caseworker", CASEWORKER, "--out", str(out)]) == 0
    return out


class TestCaseloadReport:
    def test_the_page_is_self_contained_and_has_a_timeline_for_every_demo_client(self, report):
        html = report.read_text(encoding="utf-8")
        assert "<script" not in html and "http://" not in html and "https://" not in html
        for client in CLIENTS:
            assert f'data-client="{client}"' in html
        assert html.count('class="period status-') > 20 and "afgekeurd / rejected" in html

    def test_headless_chromium_renders_the_chart(self, report, tmp_path):
        if not CHROMIUM.exists():
            pytest.skip("chromium not installed (apt-get install chromium)")
        flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1200,900"]
        png = tmp_path / "report.png"
        subprocess.run([*flags, f"--screenshot={png}", report.as_uri()], capture_output=True, timeout=120, check=True)
        assert png.exists() and non_white_pixels(png.read_bytes()) > 50_000
        dom = subprocess.run([*flags, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120,
                             check=True).stdout
        assert dom.count('<svg class="timeline"') == len(CLIENTS)
        assert "<circle" in dom and "<rect" in dom
        shutil.rmtree(tmp_path / "chromium", ignore_errors=True)


class TestCaseloadReportBadInput:
    def test_an_unknown_caseworker_is_a_clear_error_and_writes_nothing(self, offline_settings, tmp_path, monkeypatch,
                                                                        capsys):
        monkeypatch.setenv("JOBMATCH_DATA_DIR", str(offline_settings.data_dir))
        out = tmp_path / "none.html"
        assert jobmatch(["report", "caseload", "--caseworker", "cw-nobody", "--out", str(out)]) == 1
        assert not out.exists()
        assert "cw-nobody" in capsys.readouterr().err
