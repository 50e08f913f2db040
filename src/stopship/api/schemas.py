"""Request bodies, validated at the edge: unknown fields are refused (extra=forbid),
lengths are bounded and names may not carry markup, control characters or SQL syntax."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_BAD_NAME = re.compile(r"[<>{}`\x00-\x1f\x7f]|--|/\*|\*/|;")


def clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("name is empty")
    if _BAD_NAME.search(value):
        raise ValueError("name contains characters not allowed in a name "
                         "(markup, control characters, ';', '--' or comments)")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartyFields(Strict):
    """The fields a screened party carries, shared by screening records and customers."""

    name: str = Field(..., min_length=1, max_length=500)
    schema_: Literal["person", "organization", "vessel", "aircraft"] | None = Field(
        None, alias="schema")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    dob: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    address: str | None = Field(None, max_length=1000)
    identifiers: list[str] = Field(default_factory=list, max_length=20)

    _name = field_validator("name")(classmethod(lambda cls, v: clean_name(v)))


class RecordIn(PartyFields):
    """One record to screen, as in the `stopship screen` input."""

    id: str | None = Field(None, max_length=200)


class ScreenRequest(RecordIn):
    min_score: float | None = Field(None, ge=0, le=1)
    limit: int = Field(10, ge=1, le=100)


class BatchRequest(Strict):
    records: list[RecordIn] = Field(..., min_length=1, max_length=1000)
    min_score: float | None = Field(None, ge=0, le=1)
    limit: int = Field(10, ge=1, le=100)


class CustomerIn(PartyFields):
    external_id: str = Field(..., min_length=1, max_length=200)


class CustomersIn(Strict):
    customers: list[CustomerIn] = Field(..., min_length=1, max_length=1000)


class DecisionIn(Strict):
    decision: Literal["true_match", "false_positive", "needs_information", "escalate"]
    reason: str = Field(..., min_length=1, max_length=4000)


class ApprovalIn(Strict):
    approve: bool = True
    note: str = Field("", max_length=4000)


class AssignIn(Strict):
    assignee: str | None = Field(None, max_length=120)


class LoginIn(Strict):
    username: str = Field(..., min_length=1, max_length=120)
    password: str = Field(..., min_length=1, max_length=1000)


class UserIn(Strict):
    username: str = Field(..., min_length=1, max_length=120)
    password: str = Field(..., min_length=10, max_length=1000)
    role: Literal["analyst", "approver", "administrator"]


class ApiKeyIn(Strict):
    name: str = Field(..., min_length=1, max_length=200)
    scopes: list[str] = Field(..., min_length=1)


class RescreenIn(Strict):
    old_version: str | None = Field(None, max_length=120)
    new_version: str = Field(..., min_length=1, max_length=120)


class OrderIn(Strict):
    """An order as the order-screening engine reads it; passed through unchanged."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(..., min_length=1, max_length=200)


class MatchExample(Strict):
    """A yente query: FollowTheMoney-style schema and properties."""

    id: str | None = Field(None, max_length=200)
    schema_: str = Field(..., alias="schema", max_length=40)
    properties: dict[str, str | list[Any]] = Field(...)


class MatchRequest(Strict):
    queries: dict[str, MatchExample] = Field(..., min_length=1, max_length=1000)
    weights: dict[str, float] = Field(default_factory=dict)
