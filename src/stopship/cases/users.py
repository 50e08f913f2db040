"""Users (argon2 password hashes, roles), API keys (hashed secret, scopes) and
server-side login sessions that expire. Every change writes an audit event."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from stopship import audit
from stopship.cases.tables import ROLES, api_keys, sessions, users
from stopship.cases.util import later, new_id, now
from stopship.errors import InputError, Location, NotFoundError

SCOPES = (
    "screen", "orders:screen", "orders:read", "lists:read", "lists:write",
    "alerts:read", "alerts:decide", "alerts:approve", "customers:read", "customers:write",
    "audit:read", "users:admin",
)
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "analyst": frozenset({"screen", "orders:screen", "orders:read", "lists:read",
                          "alerts:read", "alerts:decide", "customers:read",
                          "customers:write"}),
    "approver": frozenset({"screen", "orders:screen", "orders:read", "lists:read",
                           "alerts:read", "alerts:decide", "alerts:approve",
                           "customers:read", "audit:read"}),
    "administrator": frozenset(SCOPES),
}
_hasher = PasswordHasher()
# verified against when the user does not exist, so timing does not reveal usernames
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (with a role) or an API key (with scopes)."""

    name: str
    kind: str  # user or key
    scopes: frozenset[str]
    role: str | None = None
    user_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def can(self, scope: str) -> bool:
        return scope in self.scopes


def use_fast_hashing() -> None:
    """Cheap argon2 parameters, for tests and benchmarks only (never in a server)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(conn: Connection, username: str, password: str, role: str,
                actor: str = "system") -> int:
    username = (username or "").strip()
    if not username or len(username) > 120 or not username.replace("-", "").replace(
            "_", "").replace(".", "").replace("@", "").isalnum():
        raise InputError("username must be 1-120 letters, digits, '.', '-', '_' or '@'",
                         Location(field="username"))
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", Location(field="role"))
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"password must have at least {MIN_PASSWORD} characters",
                         Location(field="password"))
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise InputError(f"user {username!r} already exists", Location(field="username"))
    user_id = new_id(conn.execute(users.insert().values(
        username=username, password_hash=hash_password(password), role=role, active=True,
        created_at=now())))
    audit.append(conn, actor, "user.create", subject_type="user", subject_id=username,
                 details={"role": role})
    return int(user_id)


def set_password(conn: Connection, username: str, password: str, actor: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"password must have at least {MIN_PASSWORD} characters",
                         Location(field="password"))
    res = conn.execute(update(users).where(users.c.username == username)
                       .values(password_hash=hash_password(password)))
    if not res.rowcount:
        raise NotFoundError(f"no user {username!r}", Location(field="username"))
    audit.append(conn, actor, "user.password", subject_type="user", subject_id=username)


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(users.c.id, users.c.username, users.c.role, users.c.active,
                               users.c.created_at).order_by(users.c.username))
    return [dict(r._mapping) for r in rows]


def authenticate(conn: Connection, username: str, password: str) -> Principal | None:
    """Check a password; writes ``login`` or ``login.failed`` to the audit trail."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    try:
        ok = bool(_hasher.verify(row.password_hash if row else _DUMMY_HASH, password))
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or not row.active:
        audit.append(conn, username[:120] or "?", "login.failed", subject_type="user",
                     subject_id=username[:120])
        return None
    audit.append(conn, row.username, "login", subject_type="user", subject_id=row.username)
    return user_principal(row)


def user_principal(row: Any) -> Principal:
    return Principal(name=row.username, kind="user", scopes=ROLE_SCOPES[row.role],
                     role=row.role, user_id=row.id)


# -- sessions -----------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(conn: Connection, user_id: int, ttl_seconds: int) -> tuple[str, str]:
    """A new session; returns (cookie token, CSRF token). Only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    conn.execute(sessions.insert().values(id=_digest(token), user_id=user_id, csrf_token=csrf,
                                          created_at=now(), expires_at=later(ttl_seconds)))
    return token, csrf


def get_session(conn: Connection, token: str) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session, or None (unknown or expired)."""
    if not token:
        return None
    row = conn.execute(
        select(sessions.c.csrf_token, sessions.c.expires_at, users)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.id == _digest(token))
    ).first()
    if row is None or row.expires_at <= now() or not row.active:
        return None
    return user_principal(row), row.csrf_token


def end_session(conn: Connection, token: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.id == _digest(token)))


def purge_sessions(conn: Connection) -> int:
    return conn.execute(delete(sessions).where(sessions.c.expires_at <= now())).rowcount


# -- API keys -----------------------------------------------------------------------
def create_api_key(conn: Connection, name: str, scopes: list[str], actor: str) -> str:
    """Returns the full key ``ssk_<id>_<secret>`` once; only a hash of the secret is kept."""
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise InputError(f"unknown scope(s) {bad}; known: {', '.join(SCOPES)}",
                         Location(field="scopes"))
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    conn.execute(api_keys.insert().values(
        key_id=key_id, secret_hash=_digest(secret), name=name, scopes=" ".join(sorted(scopes)),
        created_by=actor, created_at=now()))
    audit.append(conn, actor, "apikey.create", subject_type="apikey", subject_id=key_id,
                 details={"name": name, "scopes": sorted(scopes)})
    return f"ssk_{key_id}_{secret}"


def check_api_key(conn: Connection, token: str) -> Principal | None:
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "ssk":
        return None
    row = conn.execute(select(api_keys).where(api_keys.c.key_id == parts[1])).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_hash, _digest(parts[2])):
        return None
    return Principal(name=f"key:{row.name}", kind="key",
                     scopes=frozenset(row.scopes.split()), extra={"key_id": row.key_id})


def revoke_api_key(conn: Connection, key_id: str, actor: str) -> None:
    res = conn.execute(update(api_keys).where(api_keys.c.key_id == key_id)
                       .values(revoked_at=now()))
    if not res.rowcount:
        raise NotFoundError(f"no API key {key_id!r}", Location(field="key_id"))
    audit.append(conn, actor, "apikey.revoke", subject_type="apikey", subject_id=key_id)
