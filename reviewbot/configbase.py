"""The base class every config table derives from (kept apart to avoid import cycles)."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """Unknown keys are errors and values are immutable once loaded. Types are strict: TOML
    has booleans, integers and strings, so `enabled = 0`, `max_attempts = "4"` or
    `timeout_seconds = true` are mistakes to report, not values to guess at (an integer is
    still a fine number of seconds). `inf` and `nan` are never a setting."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
