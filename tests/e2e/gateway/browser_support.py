"""Headless Chromium (the Debian package) driven by Playwright, with axe-core injected."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "fixtures" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEVERE = ("serious", "critical")


def browser_context() -> Iterator[Any]:
    """A fresh Chromium profile; skipped, saying why, where Chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        print(f"browser tests skipped: {CHROMIUM} is not installed (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser tests skipped: the Python package playwright is not installed")
        pytest.skip("the Python package playwright is not installed")
    profile = tempfile.mkdtemp(prefix="jobmatch-chromium-")
    # Playwright gives the profile its own --user-data-dir; never `playwright install`: the system Chromium.
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            locale="nl-NL",
            viewport={"width": 1024, "height": 800},
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.x A/AA (and its best practices) on the page as it is."""
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")  # type: ignore[no-any-return]


def severe(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in SEVERE]


def screenshot_colours(context: Any, png: bytes) -> tuple[int, float]:
    """(distinct colours, share of pixels unlike the top-left one) of a PNG screenshot, decoded by
    the browser itself on a blank page: a blank screenshot has one colour and a share of 0."""
    import base64

    viewer = context.new_page()
    try:
        return tuple(
            viewer.evaluate(
                """async (data) => {
            const image = new Image();
            image.src = 'data:image/png;base64,' + data;
            await image.decode();
            const canvas = document.createElement('canvas');
            canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext('2d');
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, image.width, image.height).data;
            const colours = new Set();
            let different = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                const colour = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
                colours.add(colour);
                if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) different++;
            }
            return [colours.size, different / (pixels.length / 4)];
        }""",
                base64.b64encode(png).decode(),
            )
        )  # type: ignore[return-value]
    finally:
        viewer.close()
