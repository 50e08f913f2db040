"""End to end in a real browser (Debian's chromium driven by playwright): log in, screen a
name, decide the alert, ask for the release of a held order, approve both releases as a
second user, check the audit log. Screenshots of the main pages go to a temporary folder,
or to ``$STOPSHIP_SCREENSHOTS`` (``STOPSHIP_SCREENSHOTS=docs/screenshots`` refreshes the
README's), so a test run leaves the working tree as it was."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stopship.api.testing import PASSWORD, Server, build_server, close
from stopship.cases.testing import sqlite_url

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("STOPSHIP_SCREENSHOTS")
             or Path(tempfile.gettempdir()) / "stopship-screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing: apt-get install chromium"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live(tmp_path) -> Iterator[tuple[str, Server]]:
    import uvicorn

    srv = build_server(sqlite_url(tmp_path), tmp_path)
    port = _free_port()
    config = uvicorn.Config(srv.app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", srv
    server.should_exit = True
    thread.join(timeout=10)
    close(srv)


def test_screen_decide_approve_audit(live: tuple[str, Server]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, srv = live
    SHOTS.mkdir(parents=True, exist_ok=True)
    systems = srv.key("orders:screen")
    order = {"id": "SO-77", "order_date": "2025-03-01",
             "parties": [{"role": "buyer", "name": "Alpha Trading LLC", "country": "AE"},
                         {"role": "ship_to", "name": "Omega Holdings", "country": "KG"}],
             "lines": [{"hs_code": "854231", "quantity": 500, "unit_price": 4.0}]}
    order_id = systems.post("/api/v1/orders/screen", json=order).json()["order_id"]
    # held by the item rules alone (tier-1 CHPL item to KG, no end-user statement)
    held = {"id": "SO-78", "order_date": "2025-03-02",
            "parties": [{"role": "buyer", "name": "Quiet Bakery Supplies", "country": "KG"},
                        {"role": "ship_to", "name": "Quiet Bakery Supplies", "country": "KG"}],
            "lines": [{"hs_code": "854231", "quantity": 100, "unit_price": 5.0}]}
    held_id = systems.post("/api/v1/orders/screen", json=held).json()["order_id"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})

            def login(user: str) -> None:
                page.goto(f"{base}/login")
                page.fill("#username", user)
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                expect(page.locator("header .who")).to_contain_text(user)

            page.goto(f"{base}/login")
            page.screenshot(path=str(SHOTS / "login.png"))
            login("alice")
            # screen a name and add it to the customer master
            page.goto(f"{base}/screen")
            page.fill("#name", "Alpha Trading LLC")
            page.fill("#country", "AE")
            page.check("input[name=save]")
            page.fill("input[name=external_id]", "CUST-42")
            page.click("#screen-form button[type=submit]")
            expect(page.locator("#hits")).to_contain_text("us_ofac_sdn:1")
            expect(page.locator("main")).to_contain_text("1 alert(s) opened")
            page.screenshot(path=str(SHOTS / "screen.png"), full_page=True)
            # the alert queue, then the alert
            page.goto(f"{base}/alerts")
            expect(page.locator("#alerts")).to_contain_text("Alpha Trading LLC")
            page.screenshot(path=str(SHOTS / "alerts.png"), full_page=True)
            page.click("#alerts a[href^='/alerts/']")
            expect(page.locator("h1")).to_contain_text("open")
            expect(page.locator("mark").first).to_be_visible()
            page.select_option("#decision", "false_positive")
            page.fill("#reason", "Different company: other trade licence number")
            page.screenshot(path=str(SHOTS / "alert.png"), full_page=True)
            page.click("#decide-form button[type=submit]")
            expect(page.locator("h1")).to_contain_text("pending_approval")
            expect(page.locator("#approve-form")).to_have_count(0)  # not by the decider
            alert_url = page.url.split("?")[0]
            # the held order: alice asks for its release
            page.click("header a[href='/orders']")
            expect(page.locator("#orders")).to_contain_text("SO-78")
            page.screenshot(path=str(SHOTS / "orders.png"), full_page=True)
            page.click(f"#orders a[href='/orders/{held_id}']")
            expect(page.locator("#fired")).to_contain_text("R-B2")
            page.select_option("#decision", "release")
            page.fill("#reason", "Signed end-user statement received from the bakery")
            page.click("#release-form button[type=submit]")
            expect(page.locator("#pending")).to_contain_text("alice")
            expect(page.locator("#four-eyes")).to_be_visible()
            expect(page.locator("#order-approve-form")).to_have_count(0)  # not by alice
            page.click("header form button")  # log out
            # the approver releases the alert and the order
            login("bob")
            page.goto(alert_url)
            page.fill("#note", "Checked the licence register")
            page.click("#approve-form button[value='1']")
            expect(page.locator("h1")).to_contain_text("cleared")
            page.goto(f"{base}/")
            page.click("#order-counts a[href='/orders?status=pending_approval']")
            page.click(f"#orders a[href='/orders/{held_id}']")
            expect(page.locator("#order-approve-form")).to_contain_text("Signed end-user")
            page.fill("#note", "End-user statement checked against the order")
            page.locator("#release").screenshot(path=str(SHOTS / "order-approval.png"))
            page.click("#order-approve-form button[value='1']")
            expect(page.locator("h1")).to_contain_text("released")
            expect(page.locator("main .ok")).to_contain_text("Release approved")
            page.goto(f"{base}/")
            expect(page.locator("svg")).to_be_visible()
            page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
            page.goto(f"{base}/audit")
            expect(page.locator("#verify")).to_contain_text("verified")
            events = page.locator("#events")
            for action in ("approval", "decision", "alert.open", "screening", "login"):
                expect(events).to_contain_text(action)
            # both halves of the order release, each by its own person
            for action, actor in (("order.decision", "alice"), ("order.release", "bob")):
                row = events.locator("tr", has=page.locator(f"td:text-is('{action}')"))
                expect(row).to_have_count(1)
                expect(row).to_contain_text(actor)
                expect(row).to_contain_text(f"order {held_id}")
            page.screenshot(path=str(SHOTS / "audit.png"), full_page=True)
            page.goto(f"{base}/customers")
            expect(page.locator("main")).to_contain_text("CUST-42")
            page.screenshot(path=str(SHOTS / "customers.png"), full_page=True)
            page.goto(f"{base}/orders/{order_id}")
            expect(page.locator("#fired")).to_contain_text("R-A1")
            page.screenshot(path=str(SHOTS / "order.png"), full_page=True)
            page.goto(f"{base}/lists/us_ofac_sdn")
            page.screenshot(path=str(SHOTS / "lists.png"), full_page=True)
        finally:
            browser.close()
