"""Parameters of the sampling API: their declaration, bounds and validation.

Every family declares its parameters as a list of ``Param``; ``validate`` fills
defaults and raises ``ParameterError`` naming the parameter and the allowed range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ParameterError(ValueError):
    """A sampling parameter is unknown, of the wrong type or out of bounds.

    ``field`` names the offending parameter so a form can show the message beside it.
    """

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Param:
    name: str  # keyword accepted by generators.sample()
    type: str  # one of "int", "float", "choice", "str", "bool", "points"
    default: Any  # value used when the caller leaves it out
    help: str  # one sentence shown beside the control
    min: float | None = None  # inclusive lower bound (int / float)
    max: float | None = None  # inclusive upper bound (int / float); max length for str
    choices: tuple = field(default_factory=tuple)  # allowed values (choice)

    def as_dict(self) -> dict:
        d = {"name": self.name, "type": self.type, "default": self.default, "help": self.help}
        if self.type in ("int", "float"):
            d["min"], d["max"] = self.min, self.max
        if self.type == "str":
            d["max_length"] = self.max
        if self.type == "choice":
            d["choices"] = list(self.choices)
        return d

    def _fmt(self, x: float) -> str:
        return str(int(x)) if self.type == "int" else str(float(x))

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ParameterError."""
        n = self.name
        if self.type in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ParameterError(n, f"{n} must be a number (got {value!r})")
            try:
                num = float(value)
            except ValueError:
                raise ParameterError(n, f"{n} must be a number (got {value!r})") from None
            if self.type == "int":
                if num != int(num):
                    raise ParameterError(n, f"{n} must be a whole number (got {value!r})")
                num = int(num)
            if not (self.min <= num <= self.max):
                lo, hi = self._fmt(self.min), self._fmt(self.max)
                raise ParameterError(n, f"{n} must be between {lo} and {hi} (got {value})")
            return num
        if self.type == "choice":
            by_text = {str(c): c for c in self.choices}  # a form posts "2" for the choice 2
            value = by_text.get(value, value) if isinstance(value, str) else value
            if value not in self.choices:
                allowed = ", ".join(str(c) for c in self.choices)
                raise ParameterError(n, f"{n} must be one of {allowed} (got {value!r})")
            return value
        if self.type == "str":
            if not isinstance(value, str):
                raise ParameterError(n, f"{n} must be text (got {value!r})")
            if len(value) > self.max:
                raise ParameterError(
                    n, f"{n} must be at most {int(self.max)} characters (got {len(value)})"
                )
            return value
        if self.type == "bool":
            words = {"true": True, "on": True, "1": True, "false": False, "off": False, "0": False}
            value = words.get(value.lower(), value) if isinstance(value, str) else value
            if not isinstance(value, bool):
                raise ParameterError(n, f"{n} must be true or false (got {value!r})")
            return value
        if self.type == "points":
            if value is None:
                return None
            try:
                pts = [[float(a), float(b)] for a, b in value]
            except (TypeError, ValueError):
                raise ParameterError(n, f"{n} must be a list of [x, y] pairs") from None
            if not 1 <= len(pts) <= self.max:
                raise ParameterError(
                    n, f"{n} must hold between 1 and {int(self.max)} points (got {len(pts)})"
                )
            return pts
        raise AssertionError(self.type)


def validate(params: list[Param], given: dict) -> dict:
    """Defaults filled in, every value checked; unknown names are an error."""
    known = {p.name: p for p in params}
    for name in given:
        if name not in known:
            allowed = ", ".join(known)
            raise ParameterError(name, f"unknown parameter {name!r}; this family takes: {allowed}")
    return {p.name: p.check(given[p.name]) if p.name in given else p.default for p in params}
