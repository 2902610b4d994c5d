"""The analyst workspace's bugs found in the browser (issue 17, items 1-10) and data shown as
Markdown (issue 18), each reproduced in a real headless Chromium against the app served on
127.0.0.1: the state of dropdowns and the portfolio, writes seen at once, deep links, text
never cut off, contrast, and no request leaving the browser because of data."""

from __future__ import annotations

import csv
import http.server
import json
import re
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from actors import ADMIN, OS_USER
from browser_support import (
    ARTIFACTS,
    assert_clean,
    combobox,
    go_to,
    main_text,
    pick,
    require_chromium,
    serve,
    settle,
    writable_copy,
)
from conftest import REPO, copy_workspace
from mvkg import pipeline
from mvkg.analysis.explore import obligation_themes
from mvkg.analysis.views import obligation_details, overview_view
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.history.snapshots import SnapshotStore, default_folder
from mvkg.inputs.portfolios import load_portfolios
from mvkg.kernel.namespaces import short_id
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.named import canned_queries
from mvkg.query.sparql import read_query_file, run_query
from mvkg.query.store import open_read_only

require_chromium()
WIDE = {"width": 1400, "height": 1000}
NARROW = {"width": 800, "height": 900}


@pytest.fixture(scope="module")
def seed_url(built):
    """The app on the built seed workspace (these tests only read)."""
    with serve(built[0].root) as url:
        yield url


def open_page(browser, url: str, title: str, viewport=WIDE):
    page = browser.new_page(viewport=viewport)
    page.goto(url)
    settle(page, title)
    return page


def portfolio_option(ws, name: str) -> str:
    """How a portfolio is named in the dropdowns: its label and its name."""
    p = load_portfolios(ws)[name]
    return f"{p.label} ({name})" if p.label != name else name


# ------------------------------------------------------------------ 1. every pick counts


def test_obligation_detail_takes_every_pick(browser, seed_url, resources):
    """Bug 1: each choice in "Obligation detail" is shown (not every second one), and the URL
    follows it."""
    page = open_page(browser, f"{seed_url}/obligations", "Obligations")
    for item in "bcdef":
        pick(page, "Obligation detail", f"ATU-MV resolves {item}")
        assert page.get_by_role("heading", level=3, name=f"ATU-MV resolves {item}").count() == 1, item
        assert f"ob=atu-mv%2Fresolves%2Fpara_{item}" in page.url, page.url
    assert_clean(page, "obligation detail picks")


def test_canned_query_takes_every_pick(browser, seed_url, resources):
    """Bug 1: each choice in "Canned query" opens that query (its description and its URL)."""
    queries = sorted(canned_queries(resources), key=lambda q: q.name)[:4]
    page = open_page(browser, f"{seed_url}/sparql", "SPARQL")
    for q in queries:
        pick(page, "Canned query", f"{q.title} ({q.name})")
        assert f"q={q.name}" in page.url, (q.name, page.url)
        assert q.description[:60] in main_text(page), q.name
    assert_clean(page, "canned query picks")


# ------------------------------------------------------------------ 2. one portfolio for the session


def test_portfolio_choice_carries_over_pages(browser, seed_url, built):
    """Bug 2: the portfolio picked on one page is the one every other page (Snapshots and the
    what-if included) opens with, and it is in the URL."""
    ws = built[0]
    chosen = portfolio_option(ws, "fgmv")
    page = open_page(browser, seed_url, "Overview")
    pick(page, "Portfolio", chosen)
    assert "portfolio=fgmv" in page.url
    for title in ("Obligations", "Validation", "Graph", "Snapshots", "Standards & portfolios", "Overview"):
        go_to(page, title)
        assert combobox(page, "Portfolio").input_value() == chosen, title
        assert "portfolio=fgmv" in page.url, (title, page.url)
    assert_clean(page, "portfolio across pages")


def test_a_portfolio_in_the_url_is_used_or_named_as_unknown(browser, seed_url, built):
    """Bug 2: `?portfolio=` opens that portfolio on any page; an unknown one is named in a
    clear message, and no other portfolio's figures are shown in its place."""
    page = open_page(browser, f"{seed_url}/standards?portfolio=fgmv", "Standards & portfolios (what-if)")
    assert combobox(page, "Portfolio").input_value() == portfolio_option(built[0], "fgmv")
    page = open_page(browser, f"{seed_url}/?portfolio=does-not-exist", "Overview")
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert any("does-not-exist" in e and "no portfolio" in e.lower() for e in errors), errors
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert "portfolio=does-not-exist" in page.url


# ------------------------------------------------------------------ 3. writes, then a snapshot


def test_saved_portfolio_can_be_snapshotted_at_once(browser, fresh):
    """Bug 3: save a portfolio on the what-if page, pick it on Snapshots and take a snapshot of
    it, without leaving the browser."""
    ws, url = fresh
    page = open_page(browser, f"{url}/standards", "Standards & portfolios (what-if)")
    page.get_by_label("Name (lower-case letters, digits, '-')").fill("e2e-set")
    page.get_by_role("button", name="Save portfolio").click()
    page.get_by_text("Saved data/portfolios/e2e-set.json").first.wait_for(timeout=120000)
    settle(page)
    go_to(page, "Snapshots")
    pick(page, "Portfolio", "e2e-set")
    page.get_by_label("Label").fill("after saving")
    page.get_by_role("button", name="Take snapshot").click()
    page.get_by_text("taken").first.wait_for(timeout=120000)
    settle(page)
    assert_clean(page, "snapshot of a new portfolio")
    infos = SnapshotStore(default_folder(ws)).infos("e2e-set")
    assert [i.label for i in infos] == ["after saving"]


def test_a_failed_snapshot_says_why_in_plain_sight(browser, fresh):
    """Bug 3: when a snapshot cannot be taken, the reason is on screen, not folded away."""
    ws, url = fresh
    page = open_page(browser, f"{url}/snapshots", "Snapshots")
    page.get_by_label("Label").fill("x" * 250)  # longer than a label may be
    page.get_by_role("button", name="Take snapshot").click()
    alert = page.locator('[data-testid="stAlertContentError"]').first
    alert.wait_for(timeout=120000)
    assert alert.is_visible()
    assert "label" in alert.inner_text()
    assert not default_folder(ws).exists() or not SnapshotStore(default_folder(ws)).infos()


# ------------------------------------------------------------------ 4. the what-if saved whole


def test_saved_whatif_keeps_its_hypothetical_standard(browser, fresh, resources):
    """Bug 4: "Save the ticked entries as a portfolio" keeps the hypothetical standard whose
    effect was projected: the saved portfolio is judged as the projection said."""
    ws, url = fresh
    page = open_page(browser, f"{url}/standards", "Standards & portfolios (what-if)")
    for theme in ("privacy-enhancing technologies", "user control over personal data", "data protection"):
        pick(page, "Themes", theme)
    pick(page, "Obligations it would cover", "ATU-MV resolves g")
    page.get_by_role("radiogroup", name="Status").get_by_text("published", exact=True).click()
    page.get_by_role("button", name="Add to what-if").click()
    settle(page)
    projected = page.locator('[data-testid="stMetric"]').filter(has_text="Projected")
    shown = projected.locator('[data-testid="stMetricValue"]').inner_text()
    page.get_by_label("Name (lower-case letters, digits, '-')").fill("whatif-pets")
    page.get_by_role("button", name="Save portfolio").click()
    page.get_by_text("Saved data/portfolios/whatif-pets.json").first.wait_for(timeout=120000)
    settle(page)
    assert_clean(page, "save what-if")
    assert "Draft X.meta-privacy" in main_text(page)  # the message names the hypothetical entry kept
    pipeline.build(ws, resources)
    cov = coverage(resources, validate(ws, resources, "whatif-pets"))
    assert f"{cov.summary.coverage_percent:.1f} %" == shown
    verdicts = {short_id(r.id): r.verdict for r in cov.rows}
    assert verdicts["atu-mv/resolves/para_g"] == "covered"


def test_a_saved_whatif_changes_no_other_portfolio(built, tmp_path, resources, lexicon):
    """Bug 4, in the library: the hypothetical entry saved with a what-if is a member of that
    portfolio only (no selection rule of another picks it up), and an id the catalogue already
    has is refused with the workspace unchanged."""
    from conftest import tree_hash
    from mvkg.compliance import whatif
    from mvkg.inputs.catalogue import load_catalogue
    from mvkg.inputs.portfolios import members

    ws = writable_copy(built, tmp_path)

    def sizes():
        defs = load_portfolios(ws)
        return {n: [e.id for e in members(n, defs, load_catalogue(ws, lexicon), lexicon)] for n in defs}

    theme = {c.label: iri for iri, c in lexicon.themes.items()}
    before = sizes()
    h = whatif.hypothetical("Draft X.meta-privacy", "PETs for metaverse platforms", "published",
                            [theme["privacy-enhancing technologies"]], ["atu-mv/resolves/para_g"], "full")
    taken = whatif.hypothetical("ITU-T Y.4240", "a clash", "published", [], ["atu-mv/resolves/para_g"], "full")
    untouched = tree_hash(ws.data)
    with pytest.raises(Exception, match="already in the catalogue"):
        pipeline.save_whatif(ws, resources, "clash", entries=(), hypotheticals=(taken,), actor=ADMIN)
    assert tree_hash(ws.data) == untouched
    saved = pipeline.save_whatif(ws, resources, "whatif-x", entries=tuple(before["itu-t-in-force"]),
                                 hypotheticals=(h,), actor=ADMIN)
    after = sizes()
    assert {n: v for n, v in after.items() if n != "whatif-x"} == before
    assert sorted(after["whatif-x"]) == sorted([*before["itu-t-in-force"], "Draft X.meta-privacy"])
    assert saved.size == len(before["itu-t-in-force"]) + 1
    cov = coverage(resources, validate(ws, resources, "whatif-x"))  # the build followed the write
    g = next(r for r in cov.rows if short_id(r.id) == "atu-mv/resolves/para_g")
    assert "Draft X.meta-privacy" in [c.entry for c in g.covering]


def test_heatmap_row_labels_are_short_and_distinct():
    """Bug 10: two sections that read alike when cut short are numbered, so no two rows of
    the heatmap share a label; short sections are kept whole."""
    from mvkg.analysis.views import row_labels
    from mvkg.compliance.coverage import ObligationVerdict

    def row(i, section, item):
        return ObligationVerdict(f"o{i}", "ECP-MV", section, item, "binding", "partial", (), (), "", ())

    long_a = "instructs the Director of the Telecommunication Standardization Bureau, in collaboration with"
    long_b = "instructs the Director of the Telecommunication Standardization Bureau"
    rows = [row(1, "resolves", "a"), row(2, long_a, "a"), row(3, long_b, "a"), row(4, long_b, "b")]
    labels = row_labels(rows)
    assert labels["o1"] == "ECP-MV resolves a"
    assert len(set(labels.values())) == 4
    assert all(len(v) < 50 for v in labels.values())


# ------------------------------------------------------------------ 5. labels with commas


def test_a_theme_label_with_a_comma_is_one_theme(browser, seed_url, built, resources):
    """Bug 5: "architecture, infrastructure and enabling technologies" filters the obligations
    tagged with it and is one group on the Validation page, never split at its comma."""
    label = "architecture, infrastructure and enabling technologies"
    cov = coverage(resources, validate(built[0], resources, "itu-t-in-force"))
    themes = obligation_themes(open_read_only(built[0]))
    expected = sum(label in themes.get(r.id, []) for r in cov.rows)
    assert expected > 0
    page = open_page(browser, f"{seed_url}/obligations", "Obligations")
    pick(page, "Theme", label)
    assert page.get_by_text(f"{expected} of {len(cov.rows)} obligations").count() == 1
    page = open_page(browser, f"{seed_url}/validation", "Validation")
    cells = [c.strip() for c in page.evaluate("""() => Array.from(
        document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stMarkdownContainer"] td, [role="gridcell"]'),
        c => c.textContent)""")]
    assert label in cells
    assert "architecture" not in cells and "infrastructure and enabling technologies" not in cells


# ------------------------------------------------------------------ 6. the canned theme query


def test_obligations_by_theme_runs_with_a_theme_picked_by_label(browser, seed_url, built, resources):
    """Bug 6: the theme parameter lists labels, and the query runs for a theme picked there."""
    page = open_page(browser, f"{seed_url}/sparql?q=obligations_by_theme", "SPARQL")
    param = next(p for p in next(q for q in canned_queries(resources) if q.name == "obligations_by_theme").params)
    label = f"{param.name}: {param.description}"
    combobox(page, label).click()
    options = page.get_by_role("option").all_inner_texts()
    assert "accessibility" in options and not any("https://" in o for o in options), options[:5]
    page.keyboard.press("Escape")
    pick(page, label, "security")
    page.get_by_role("button", name="Run query").click()
    page.get_by_text(" rows in ").first.wait_for(timeout=60000)
    assert_clean(page, "obligations_by_theme with a theme")
    text = read_query_file(resources.queries / "obligations_by_theme.rq")
    rows = run_query(open_read_only(built[0]), text, {"theme": ox.NamedNode("https://w3id.org/mvkg/theme/security")}).rows
    assert rows
    assert page.get_by_text(f"{len(rows)} rows in ").count() == 1


def test_every_canned_parameter_runs_with_the_values_it_lists(built, resources):
    """Bug 6, for every canned query: each parameter's listed values (labels shown, values
    passed) run without an error."""
    from mvkg.analysis.views import parameter_values
    from mvkg.query.sparql import QueryLimits
    from mvkg.query.store import store_location

    ws, store = built[0], open_read_only(built[0])
    checked = 0
    for q in canned_queries(resources):
        for p in q.params:
            if not p.values_query:
                continue
            values = parameter_values(store_location(ws), p.values_query, QueryLimits())
            assert values and all(label for _, label in values), (q.name, p.name)
            for value, _ in values[:3]:
                term = ox.NamedNode(value) if value.startswith("https://") else ox.Literal(value)
                run_query(store, q.text, {p.name: term})
                checked += 1
    assert checked >= 3


# ------------------------------------------------------------------ 7. results stay after a download


def test_results_stay_after_a_download(browser, seed_url, tmp_path):
    """Bug 7: after the CSV download, the table and the JSON download are still there."""
    page = browser.new_page(viewport=WIDE, accept_downloads=True)
    page.goto(f"{seed_url}/sparql?q=obligations_by_bearer")
    settle(page, "SPARQL")
    page.get_by_role("button", name="Run query").click()
    page.get_by_text(" rows in ").first.wait_for(timeout=60000)
    settle(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="CSV", exact=True).click()
    settle(page)
    csv_text = Path(got.value.path()).read_text(encoding="utf-8")
    assert page.get_by_text(" rows in ").count() == 1
    with page.expect_download() as got:
        page.get_by_role("button", name="JSON", exact=True).click()
    data = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert len(data) == len(csv_text.strip().splitlines()) - 1 > 0


# ------------------------------------------------------------------ 8. deep links


def test_overview_has_its_own_address(browser, seed_url):
    """Bug 8: /overview opens the Overview (not "Page not found"), with its query."""
    page = open_page(browser, f"{seed_url}/overview?portfolio=fgmv", "Overview")
    assert_clean(page, "/overview")
    assert page.locator('[data-testid="stMetric"]').count() >= 3


def test_an_unknown_obligation_is_not_found_not_replaced(browser, seed_url):
    """Bug 8: a link to an obligation that does not exist says so, shows no other obligation,
    and keeps its address."""
    page = open_page(browser, f"{seed_url}/obligations?ob=atu-mv/resolves/para_zz", "Obligations")
    text = main_text(page)
    assert "atu-mv/resolves/para_zz" in text and "not found" in text
    assert page.get_by_role("heading", level=3, name=re.compile("^ATU-MV|^ECP-MV")).count() == 0
    assert "para_zz" in page.url


# ------------------------------------------------------------------ 9. a write is seen at once


def test_a_review_decision_is_seen_at_once(browser, fresh):
    """Bug 9: after "Record decision" the page shows the decision in its table, without a
    reload."""
    ws, url = fresh
    page = open_page(browser, f"{url}/compare", "Compare drafts")
    page.get_by_role("radiogroup", name="Decision").get_by_text("rejected", exact=True).click()
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded").first.wait_for(timeout=120000)
    settle(page)
    assert f"rejected by {OS_USER}" in main_text(page)  # who: the acting user, not a typed name


def test_an_added_resolution_is_counted_at_once(browser, fresh, resources, tmp_path):
    """Bug 9: after adding a resolution, the list counts its obligations without a reload."""
    ws, url = fresh
    good = tmp_path / "copy.txt"
    good.write_text((REPO / "data" / "resolutions" / "ecp-mv.txt").read_text(encoding="utf-8")
                    .replace("[ECP-MV]", "[ECP-UP]"), encoding="utf-8")
    added = len(pipeline.read_resolution(ws, resources, good).record.obligations)
    before = len(coverage(resources, validate(ws, resources, "itu-t-in-force")).rows)
    page = open_page(browser, f"{url}/obligations", "Obligations")
    page.get_by_text("Add a resolution").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(good))
    page.get_by_role("button", name=re.compile("^Add to the workspace")).click()
    page.get_by_text("ECP-UP added").first.wait_for(timeout=180000)
    settle(page)
    total = before + added
    assert page.get_by_text(f"{total} of {total} obligations").count() == 1


# ------------------------------------------------------------------ 10. nothing cut off


def _overflowing(page) -> list[str]:
    """Texts of table cells whose content is wider than the cell, or that end past the
    viewport's right edge."""
    return page.evaluate("""() => {
        const out = [];
        for (const td of document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stMarkdownContainer"] td, [data-testid="stMarkdownContainer"] th')) {
            const r = td.getBoundingClientRect();
            if (td.scrollWidth > td.clientWidth + 1 || r.right > window.innerWidth + 1) out.push(td.innerText.slice(0, 60));
        }
        return out;
    }""")


def _shown_in_full(page, texts) -> list[str]:
    """The texts that are not the whole content of some table cell on the page."""
    cells = set(page.evaluate("""() => Array.from(
        document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] tbody th, [data-testid="stMarkdownContainer"] td'),
        td => td.innerText.trim())"""))
    return [t for t in texts if t.strip() not in cells]


def test_validation_messages_are_never_cut_off_at_800px(browser, seed_url, built, resources):
    """Bug 10: every SHACL message is shown whole, wrapped inside the page at 800 px."""
    v = validate(built[0], resources, "itu-t-in-force")
    page = open_page(browser, f"{seed_url}/validation", "Validation", NARROW)
    missing = _shown_in_full(page, [r.message for r in v.results])
    assert not missing, missing[:3]
    assert not _overflowing(page)
    page.screenshot(path=str(ARTIFACTS / "validation-800.png"), full_page=True)


def test_obligations_at_800px_keep_the_verdict_and_whole_texts(browser, seed_url, built, resources):
    """Bug 10: at 800 px the obligations list shows the verdict column and every obligation's
    words whole; the detail shows each covering entry's rationale whole."""
    details = obligation_details(open_read_only(built[0]))
    page = open_page(browser, f"{seed_url}/obligations?ob=atu-mv/resolves/para_a", "Obligations", NARROW)
    header = page.locator('[data-testid="stTable"] th, [data-testid="stMarkdownContainer"] th').filter(has_text=re.compile("^verdict$")).first
    box = header.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box
    assert not _shown_in_full(page, [d.text for d in details.values()])
    cov = coverage(resources, validate(built[0], resources, "itu-t-in-force"))
    row = next(r for r in cov.rows if short_id(r.id) == "atu-mv/resolves/para_a")
    assert row.covering and not _shown_in_full(page, [c.rationale for c in row.covering])
    assert not _overflowing(page)
    page.screenshot(path=str(ARTIFACTS / "obligations-800.png"), full_page=True)


def _colour(value: str) -> tuple[float, float, float]:
    value = value.strip().lower()
    named = {"white": "#ffffff", "black": "#000000"}
    value = named.get(value, value)
    if value.startswith("rgb"):
        return tuple(float(x) / 255 for x in re.findall(r"[\d.]+", value)[:3])  # type: ignore[return-value]
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two colours."""
    def lum(c: str) -> float:
        r, g, b_ = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in _colour(c))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_matches_wcag_examples():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#ffffff", "#777777"), 2) == 4.48


def test_heatmap_marks_are_readable_and_its_rows_distinct(browser, seed_url, built, resources):
    """Bug 10: every verdict mark on the heatmap contrasts at least 4.5:1 (WCAG AA) with its
    cell, whose colour is the verdict's colour in the ontology; every row label is shown whole
    and tells its obligation apart."""
    page = open_page(browser, seed_url, "Overview")
    chart = page.locator('[data-testid="stVegaLiteChart"]').filter(has=page.locator("g.mark-text")).first
    chart.scroll_into_view_if_needed()
    pairs = chart.evaluate("""(el) => Array.from(el.querySelectorAll('g.mark-text text'), t => {
        const r = t.getBoundingClientRect();
        const under = document.elementsFromPoint(r.x + r.width / 2, r.y + r.height / 2)
            .find(e => e.tagName === 'path' && e.closest('g.mark-rect'));
        return [t.textContent, t.getAttribute('fill'), under ? under.getAttribute('fill') : null,
                r.y >= 0 && r.bottom <= window.innerHeight];
    })""")
    seen = [(mark, fg, bg) for mark, fg, bg, visible in pairs if visible and bg]
    assert seen
    colours = {v.colour.lower(): v for v in VOCABULARY.verdicts}
    for mark, fg, bg in seen:
        verdict = colours[bg.lower()]  # the cell has its verdict's colour from the ontology
        assert mark == verdict.icon
        assert contrast(fg, bg) >= 4.5, (verdict.notation, fg, bg, round(contrast(fg, bg), 2))
    assert {colours[bg.lower()].notation for _, _, bg in seen} >= {"partial", "not-applicable"}
    cov = coverage(resources, validate(built[0], resources, "itu-t-in-force"))
    store = open_read_only(built[0])
    view = overview_view(cov, obligation_themes(store), {})
    rows = {c.row for c in view.cells}
    assert len(rows) == len({c.obligation for c in view.cells})  # one label per obligation
    labels = chart.evaluate("""(el) => Array.from(el.querySelectorAll('g.role-axis-label text'), t => t.textContent)""")
    assert rows <= set(labels), sorted(rows - set(labels))[:3]  # each shown whole (no "…" cut)


# ------------------------------------------------------------------ issue 18: data is text


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def counting_server():
    """A loopback HTTP server that records every request it receives."""
    handler = type("Counter", (_Counter,), {"hits": []})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    server.shutdown()


def _hostile_workspace(root: Path, host: str, resources):
    """The seed workspace with a Markdown image pointing at `host` in a section heading, an
    obligation's words, a catalogue title, a rationale, a portfolio's label and description,
    and two snapshot labels."""
    ws = copy_workspace(root)
    img = "![t](" + host + "/{})"
    text = ws.data / "resolutions" / "atu-mv.txt"
    body = text.read_text(encoding="utf-8")
    body = body.replace("\ninvites Member States\n", "\ninvites Member States " + img.format("heading") + "\n")
    body = body.replace("and best practices in order", "and best practices " + img.format("words") + " in order")
    text.write_text(body, encoding="utf-8")
    for path, column, key in ((ws.data / "catalogue" / "catalogue.csv", "title", 0),
                              (ws.data / "coverage" / "assessments.csv", "rationale", 0)):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        rows[key][column] += " " + img.format(column)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    pf = ws.data / "portfolios" / "itu-t-in-force.json"
    p = json.loads(pf.read_text(encoding="utf-8"))
    p["label"] += " " + img.format("plabel")
    p["description"] += " " + img.format("pdescription")
    pf.write_text(json.dumps(p), encoding="utf-8")
    pipeline.build(ws, resources)
    store = SnapshotStore(default_folder(ws))
    for n in (1, 2):
        pipeline.take_snapshot(ws, resources, store, "itu-t-in-force", f"label {n} " + img.format(f"snapshot{n}"),
                               actor=ADMIN)
    return ws


def test_data_is_shown_as_text_never_fetched(browser, counting_server, tmp_path, resources):
    """Issue 18: text from data holding a Markdown image makes no request from the reader's
    browser, on any page (the obligation detail and an opened snapshot report included)."""
    host, hits = counting_server
    ws = _hostile_workspace(tmp_path, host, resources)
    with serve(ws.root) as url:
        page = browser.new_page(viewport=WIDE)
        visits = [("", "Overview"), ("obligations?ob=atu-mv/invites-ms/para_b", "Obligations"),
                  ("standards", "Standards & portfolios (what-if)"), ("validation", "Validation"),
                  ("snapshots", "Snapshots"), ("compare", "Compare drafts"), ("graph", "Graph"),
                  ("sparql?q=obligations", "SPARQL"), ("corrections", "Corrections")]
        fetched, plain = {}, {}
        for path, title in visits:
            before = len(hits)
            page.goto(f"{url}/{path}")
            settle(page, title)
            if title == "Snapshots":
                page.get_by_text("Report", exact=True).first.click()
                settle(page)
            if title == "SPARQL":
                page.get_by_role("button", name="Run query").click()
                page.get_by_text(" rows in ").first.wait_for(timeout=60000)
                settle(page)
            page.wait_for_timeout(1000)
            fetched[title] = hits[before:]
            plain[title] = "![t](" in main_text(page)
    assert not any(fetched.values()), fetched
    assert all(shown for title, shown in plain.items() if title not in ("Graph", "SPARQL", "Corrections")), plain
