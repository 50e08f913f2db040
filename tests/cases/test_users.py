from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases import users
from stopship.errors import InputError

PASSWORD = "correct horse battery"


def test_password_is_hashed_with_argon2_and_login_is_audited(engine: Engine) -> None:
    with engine.begin() as conn:
        users.create_user(conn, "alice", PASSWORD, "analyst")
        stored = conn.execute(select(users.users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2") and PASSWORD not in stored
        assert users.authenticate(conn, "alice", "wrong password!") is None
        principal = users.authenticate(conn, "alice", PASSWORD)
        assert principal and principal.role == "analyst"
        assert users.authenticate(conn, "nobody", PASSWORD) is None
        actions = [e.action for e in audit.iter_events(conn)]
    assert actions == ["user.create", "login.failed", "login", "login.failed"]


@pytest.mark.parametrize("username, password, role, field", [
    ("bob", PASSWORD, "superuser", "role"),
    ("bob", "short", "analyst", "password"),
    ("bob; DROP TABLE users", PASSWORD, "analyst", "username"),
    ("", PASSWORD, "analyst", "username"),
])
def test_create_user_rejects_bad_input(engine: Engine, username: str, password: str,
                                       role: str, field: str) -> None:
    with pytest.raises(InputError) as info, engine.begin() as conn:
        users.create_user(conn, username, password, role)
    assert info.value.location.field == field


@pytest.mark.parametrize("role, allowed, forbidden", [
    ("analyst", {"alerts:decide", "screen"}, {"alerts:approve", "audit:read", "users:admin"}),
    ("approver", {"alerts:approve", "audit:read"}, {"users:admin", "customers:write"}),
    ("administrator", {"users:admin", "alerts:approve", "audit:read"}, set()),
])
def test_role_scopes(role: str, allowed: set[str], forbidden: set[str]) -> None:
    scopes = users.ROLE_SCOPES[role]
    assert allowed <= scopes and not (forbidden & scopes)


def test_api_keys_are_hashed_scoped_and_revocable(engine: Engine) -> None:
    with engine.begin() as conn:
        token = users.create_api_key(conn, "erp", ["screen"], "admin")
        stored = conn.execute(select(users.api_keys.c.secret_hash)).scalar_one()
        assert token.split("_", 2)[2] not in stored
        principal = users.check_api_key(conn, token)
        assert principal and principal.can("screen") and not principal.can("alerts:read")
        assert users.check_api_key(conn, token[:-2] + "xx") is None
        assert users.check_api_key(conn, "garbage") is None
        users.revoke_api_key(conn, token.split("_")[1], "admin")
        assert users.check_api_key(conn, token) is None
        with pytest.raises(InputError):
            users.create_api_key(conn, "bad", ["root"], "admin")


def test_sessions_expire(engine: Engine) -> None:
    with engine.begin() as conn:
        uid = users.create_user(conn, "carol", PASSWORD, "approver")
        token, csrf = users.create_session(conn, uid, ttl_seconds=3600)
        live = users.get_session(conn, token)
        assert live and live[0].name == "carol" and live[1] == csrf
        short, _ = users.create_session(conn, uid, ttl_seconds=0)
        time.sleep(0.01)
        assert users.get_session(conn, short) is None
        users.end_session(conn, token)
        assert users.get_session(conn, token) is None
