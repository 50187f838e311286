"""Chart downloads (PNG, SVG) and the printable page (A4 PDF) in a real headless Chromium
against a real server, in English and Spanish.

Uses the browser, guarded page (no request may leave the test server, no script or console
error) and screenshot helpers of :mod:`.test_browser`.
"""

from __future__ import annotations

import re
import struct

import pytest

from .test_browser import CHROMIUM, SHOTS, browser, drawn, page, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
    "with apt-get when run as root",
)

REGION = "/datasets/eu-nuts2-ardeco/regions/ES61?period=2019"
ACTIVITY = "/datasets/eu-nuts2-ardeco/activities/J?period=2019"

LABELS = {
    "en": {
        "png": "PNG image",
        "svg": "SVG (vector) image",
        "group": "Download the chart:",
        "print": "Print / save as PDF",
        "measure": "Activity complexity (PCI)",
    },
    "es": {
        "png": "Imagen PNG",
        "svg": "Imagen SVG (vectorial)",
        "group": "Descargar el gráfico:",
        "print": "Imprimir / guardar como PDF",
        "measure": "Complejidad de la actividad (ICP)",
    },
}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_chart_downloads_as_png_and_svg(page, lang):  # noqa: F811
    words = LABELS[lang]
    page.goto(page.base + f"{REGION}&lang={lang}")
    charts = ["location", "specialisations", "opportunities", "eci"]
    for chart in charts:
        drawn(page, chart)
    for chart in charts:
        group = page.locator(f"#export-{chart}")
        assert group.is_visible()
        assert group.get_attribute("role") == "group"
        assert words["group"] in group.inner_text()
        caption = page.locator(f"#cap-{chart}").inner_text().strip()
        width = page.locator(f"#chart-{chart}").bounding_box()["width"]
        # PNG: at twice the drawn size
        with page.expect_download() as info:
            group.get_by_role("button", name=words["png"]).click()
        download = info.value
        assert download.failure() is None
        assert download.suggested_filename == (
            f"smartspec-eu-nuts2-ardeco-regions-ES61-2019-{chart}.png"
        )
        w, h = png_size(download.path().read_bytes())
        assert 1.5 * width <= w <= 2.2 * width + 80, (chart, w, width)
        assert h > 100
        # SVG: a vector image with the chart's caption as its title
        with page.expect_download() as info:
            group.get_by_role("button", name=words["svg"]).click()
        download = info.value
        assert download.suggested_filename.endswith(f"-{chart}.svg")
        svg = download.path().read_text(encoding="utf-8")
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        assert "<path" in svg or "<rect" in svg
        shown = re.sub(r"\s+", " ", caption)
        assert shown.replace("&", "&amp;") in svg, (chart, shown)
    # the framework plane's title names its complexity measure
    assert words["measure"] in page.locator("#cap-opportunities").inner_text()
    # keyboard: the buttons are reachable and work with Enter
    button = page.locator("#export-eci").get_by_role("button", name=words["svg"])
    button.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith("-eci.svg")
    page.locator("#export-opportunities").scroll_into_view_if_needed()
    shot(page, f"export-{lang}")


def test_export_without_script_shows_no_buttons(browser, live_server):  # noqa: F811
    """Without JavaScript there is no chart, so no download button either (the tables stay)."""
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(live_server + f"{REGION}&lang=en")
        assert pg.locator(".chart-export").count() == 4
        assert not pg.locator(".chart-export").first.is_visible()
        assert not pg.locator("button[data-print]").is_visible()
        assert pg.locator("#spec-table tbody tr").count() >= 1
    finally:
        context.close()


@pytest.mark.parametrize(("url", "lang"), [(REGION, "en"), (ACTIVITY, "es")])
def test_print_to_a4_pdf(page, url, lang):  # noqa: F811
    words = LABELS[lang]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base + f"{url}&lang={lang}")
    page.wait_for_selector(".vis.drawn svg", timeout=15_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.vis:not(.drawn):not(.failed)').length === 0",
        timeout=15_000,
    )
    button = page.get_by_role("button", name=words["print"])
    assert button.is_visible()
    # on paper: no navigation, forms, switchers, buttons or download links
    page.emulate_media(media="print")
    for selector in (
        "header.top",
        "nav.subnav",
        "nav.lang",
        "form.picker",
        ".chart-export",
        "button[data-print]",
        "ul.downloads",
        "footer.foot",
    ):
        hidden = page.locator(selector)
        assert hidden.count() >= 1, selector
        assert all(not h.is_visible() for h in hidden.all()), selector
    assert page.locator("h1").is_visible()
    assert page.locator(".vis svg").first.is_visible()
    # at the width of an A4 page's printable area (210 mm - 24 mm margins = 703 px at 96 dpi),
    # every chart and table fits
    page.set_viewport_size({"width": 703, "height": 1000})
    page.wait_for_timeout(300)
    overflow = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const el of document.querySelectorAll('main .vis svg, main table')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && (box.right > width + 1 || box.left < -1))
                out.push([el.tagName, el.id || el.closest('[id]')?.id, box.left, box.right]);
        }
        return [width, out];
    }""")
    assert overflow[0] <= 703 and not overflow[1], overflow
    links = page.evaluate("getComputedStyle(document.querySelector('main a')).color")
    assert links == "rgb(0, 0, 0)"  # links print as text
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 12, pages
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"print-{'region' if 'regions' in url else 'activity'}.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")
    assert page.locator("header.top").is_visible()
    # the button opens the browser's print (beforeprint fires; headless Chromium then stays
    # "printing", so this comes last)
    page.evaluate(
        "window.__printed = 0; addEventListener('beforeprint', () => { window.__printed += 1; })"
    )
    button.click()
    page.wait_for_function("() => window.__printed === 1", timeout=5_000)
