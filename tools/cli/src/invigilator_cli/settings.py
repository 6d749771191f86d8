"""The `invigilator` command's settings (house rule 2): built in `main()` and passed down."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CliSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # An OPA binary to use when --opa is not given (the stack scripts' variable too).
    opa_bin: str | None = Field(default=None, validation_alias="OPA_BIN")
    # Where `make run` caches its tools: $XDG_CACHE_HOME/invigilator, else ~/.cache/invigilator.
    xdg_cache_home: Path = Field(
        default_factory=lambda: Path.home() / ".cache", validation_alias="XDG_CACHE_HOME"
    )

    @property
    def tools_cache(self) -> Path:
        return self.xdg_cache_home / "invigilator" / "tools"
