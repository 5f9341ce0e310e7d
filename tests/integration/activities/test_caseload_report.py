"""The caseload report (issue 16.3): self-contained HTML that headless Chromium renders with
the chart, read through the activities API with a caseworker token (checked, processing-logged)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.activities.bootstrap import create_server
from services.activities.seed import CASEWORKER, CLIENTS, seed_sample_data
from services.cli import main as jobmatch
from services.common.auth import mint_token

CHROMIUM = Path("/usr/bin/chromium")


def non_white_pixels(png: bytes) -> int:
    """Count pixels that are not white in an 8-bit RGB/RGBA PNG (tiny decoder, no filters skipped)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, colour = struct.unpack(">IIBB", body[:10])
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
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
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
        count += sum(1 for x in range(0, stride, channels) if line[x : x + 3] != b"\xff\xff\xff")
        previous = line
    return count


@pytest.fixture
def api(offline_settings, offline_app, monkeypatch) -> Iterator[str]:
    """The activities API on loopback around the seeded app: the report reads only through it."""
    seed_sample_data(offline_app)
    server, port, _app = create_server(offline_settings, "127.0.0.1:0", offline_app)
    monkeypatch.setenv("JOBMATCH_TOKEN_SECRET", offline_settings.token_secret.get_secret_value())
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(offline_settings.data_dir))
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(0).wait()


@pytest.fixture
def report(api, tmp_path) -> Path:
    out = tmp_path / "caseload.html"
    assert jobmatch(["report", "caseload", "--caseworker", CASEWORKER, "--out", str(out), "--target", api]) == 0
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
        flags = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--window-size=1200,900",
        ]
        png = tmp_path / "report.png"
        subprocess.run([*flags, f"--screenshot={png}", report.as_uri()], capture_output=True, timeout=120, check=True)
        assert png.exists() and non_white_pixels(png.read_bytes()) > 50_000
        dom = subprocess.run(
            [*flags, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120, check=True
        ).stdout
        assert dom.count('<svg class="timeline"') == len(CLIENTS)
        assert "<circle" in dom and "<rect" in dom
        shutil.rmtree(tmp_path / "chromium", ignore_errors=True)


class TestTheReportGoesThroughTheFrontDoor:
    def test_the_read_is_processing_logged_per_client_as_the_caseworker(self, report, offline_app):
        for client in CLIENTS:
            records = offline_app.processing_log.list_for_subject(client)
            shown = [r for r in records if r.processing_activity_id.endswith(":caseload-overview")]
            assert [(r.actor, r.name, r.status) for r in shown] == [(f"caseworker:{CASEWORKER}", "GetCaseload", "ok")]

    def test_each_client_says_why_and_lists_the_periods_activities(self, report, offline_app):
        html = report.read_text(encoding="utf-8")
        assert html.count('class="why"') == len(CLIENTS)
        assert len(re.findall(r"\d+ van \d+ telt mee / \d+ of \d+ counted · nog \d+ nodig", html)) == len(CLIENTS)
        assert re.search(r"(\d+ days left|term ended on \d{4}-\d\d-\d\d)", html)
        listed, empty = html.count('<table class="activities">'), html.count('class="none"')
        assert listed + empty == len(CLIENTS) and listed > 0

    def test_another_caseworkers_caseload_is_refused(self, api, offline_settings, tmp_path, capsys):
        out = tmp_path / "other.html"
        token = mint_token(offline_settings, subject="cw-intruder", role="caseworker")
        assert (
            jobmatch(
                ["report", "caseload", "--caseworker", CASEWORKER, "--out", str(out), "--target", api, "--token", token]
            )
            == 1
        )
        assert not out.exists() and "PERMISSION_DENIED" in capsys.readouterr().err

    def test_the_report_needs_the_running_service(self, offline_settings, tmp_path, monkeypatch, capsys):
        monkeypatch.setenv("JOBMATCH_TOKEN_SECRET", offline_settings.token_secret.get_secret_value())
        out = tmp_path / "down.html"
        assert (
            jobmatch(["report", "caseload", "--caseworker", CASEWORKER, "--out", str(out), "--target", "127.0.0.1:1"])
            == 1
        )
        assert not out.exists() and "127.0.0.1:1" in capsys.readouterr().err


class TestCaseloadReportBadInput:
    def test_an_unknown_caseworker_is_a_clear_error_and_writes_nothing(self, api, tmp_path, capsys):
        out = tmp_path / "none.html"
        assert jobmatch(["report", "caseload", "--caseworker", "cw-nobody", "--out", str(out), "--target", api]) == 1
        assert not out.exists()
        assert "cw-nobody" in capsys.readouterr().err
