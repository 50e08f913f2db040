"""A test server for the API, web and browser tests and the load benchmark: the real list
store and screening engine over a few list entries, three users (analyst alice, approver
bob, administrator root), on SQLite or PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from stopship.api import ServerSettings, create_app
from stopship.cases import users
from stopship.model import Entity
from stopship.screening.engine import build_screener
from stopship.store import ListStore

PASSWORD = "correct horse battery"


def entity(native_id: str, name: str, list_id: str = "us_ofac_sdn", **kw: Any) -> Entity:
    e = Entity(list_id=list_id, native_id=native_id, schema=kw.pop("schema", "organization"),
               **kw)
    e.add_name(name, "primary")
    return e


ENTITIES = [entity("1", "Alpha Trading LLC", programs=["RUSSIA-EO14024"]),
            entity("2", "Ivan Petrov", schema="person"),
            entity("3", "Omega Holdings", list_id="us_bis_el")]


class Lists:
    """The real list store of the test server, loading lists by name."""

    def __init__(self, store: ListStore) -> None:
        self.store = store

    def load(self, list_id: str, entities: list[Entity]) -> int:
        return self.store.load(list_id, entities, allow_empty=True).version


@dataclass
class Server:
    app: Any
    lists: Lists
    url: str

    def client(self) -> TestClient:
        return TestClient(self.app)

    def login(self, username: str) -> TestClient:
        client = TestClient(self.app)
        res = client.post("/api/v1/auth/login", json={"username": username,
                                                       "password": PASSWORD})
        assert res.status_code == 200, res.text
        client.headers["X-CSRF-Token"] = res.json()["csrf_token"]
        return client

    def web_login(self, username: str) -> TestClient:
        """A client logged in through the web app's login form (session cookie)."""
        client = TestClient(self.app)
        page = client.get("/login")
        res = client.post("/login", data={"username": username, "password": PASSWORD,
                                          "csrf_token": csrf_field(page.text)},
                          follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == "/", res.text
        return client

    def key(self, *scopes: str) -> TestClient:
        ctx = self.app.state.ctx
        with ctx.engine.begin() as conn:
            token = users.create_api_key(conn, "test", list(scopes), "root")
        client = TestClient(self.app)
        client.headers["Authorization"] = f"Bearer {token}"
        return client


def csrf_field(html: str) -> str:
    """The value of the first hidden ``csrf_token`` field of a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def build_server(url: str, data_dir: Any, telemetry: dict[str, Any] | None = None) -> Server:
    users.use_fast_hashing()
    store = ListStore.open(data_dir=data_dir, url=url)
    lists = Lists(store)
    lists.load("us_ofac_sdn", [e for e in ENTITIES if e.list_id == "us_ofac_sdn"])
    lists.load("us_bis_el", [e for e in ENTITIES if e.list_id == "us_bis_el"])

    def screener_factory():
        current = store.current_versions()
        ents = [e for lid in current for e in store.iter_entities(lid)]
        return build_screener(ents), {k: str(v) for k, v in current.items()}

    settings = ServerSettings(database_url=url, data_dir=data_dir,
                              screener_factory=screener_factory, store_factory=lambda: store,
                              entity_screener_builder=build_screener, max_body_bytes=200_000,
                              login_attempts=3)
    app = create_app(settings, telemetry=telemetry)
    with app.state.ctx.engine.begin() as conn:
        users.create_user(conn, "alice", PASSWORD, "analyst")
        users.create_user(conn, "bob", PASSWORD, "approver")
        users.create_user(conn, "root", PASSWORD, "administrator")
    return Server(app, lists, url)


def close(srv: Server) -> None:
    srv.app.state.ctx.close()
    srv.lists.store.close()
