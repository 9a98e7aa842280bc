"""The options of one analysis, in one frozen object read by the command line, :func:`analyze` and the manifest.

``consensus-nlp analyze`` builds an :class:`AnalysisConfig` from its options
(:meth:`AnalysisConfig.from_cli`), :func:`~consensus_nlp.report.analyze` runs from it
(``analyze(inputs, config=...)``; its keyword arguments still work and make one), and
the manifest records it (:meth:`AnalysisConfig.record`), so the three never list the
options separately.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..errors import InputTypeError, InvalidArgumentError, describe
from .inputs import InputSpec

__all__ = ["AnalysisConfig", "config_from"]

#: command-line option (argparse ``dest``) -> field, where the names differ
CLI_NAMES = {"out": "out_dir", "seed": "random_state"}


@dataclass(frozen=True)
class AnalysisConfig:
    """Every option of :func:`~consensus_nlp.report.analyze` (see it for their meaning).

    Examples:
        >>> config = AnalysisConfig(units="paragraph", k=4, meta_columns=["year"])
        >>> config.k, config.meta_columns, config.input_spec().meta_columns
        (4, ('year',), ('year',))
        >>> config.record()["units"]
        'paragraph'
    """

    out_dir: str | os.PathLike[str] = "consensus-nlp-report"
    units: str = "outline_item"
    k: int | None = None
    engine: str = "tomotopy"
    random_state: int = 0
    themes: str | os.PathLike[str] = "cppcc"
    by: str | None = None
    meta_pattern: str | None = None
    text_column: str | None = None
    id_column: str | None = None
    meta_columns: tuple[str, ...] | None = None
    progress: bool | None = None
    command: tuple[str, ...] | None = None
    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        for name in ("meta_columns", "command"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                raise InputTypeError(describe(name, value, "is not a list of str", accepted="a list of str or None",
                                              todo=f"Wrap a single value in a list: {name}=[...]."))
            object.__setattr__(self, name, tuple(value))

    @classmethod
    def names(cls) -> list[str]:
        """The options' names, in order."""
        return [f.name for f in fields(cls)]

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> AnalysisConfig:
        """A config from a mapping of option names (unknown names are refused)."""
        unknown = sorted(set(options) - set(cls.names()))
        if unknown:
            raise InvalidArgumentError(describe("options", unknown[0], "is not an option of the analysis",
                                                accepted=cls.names()))
        return cls(**options)

    @classmethod
    def from_cli(cls, args: Any, *, command: Sequence[str] | None = None) -> AnalysisConfig:
        """A config from the parsed options of ``consensus-nlp analyze`` (an ``argparse.Namespace``)."""
        given = vars(args)
        options = {CLI_NAMES.get(name, name): value for name, value in given.items()
                   if CLI_NAMES.get(name, name) in cls.names()}
        return cls.from_options({**options, "command": command})

    def input_spec(self) -> InputSpec:
        """How the input is read (table columns, file-name pattern)."""
        return InputSpec(text_column=self.text_column, id_column=self.id_column, meta_columns=self.meta_columns,
                         meta_pattern=self.meta_pattern)

    def record(self) -> dict[str, Any]:
        """The options as JSON values (paths as str, tuples as lists), for the manifest."""
        out: dict[str, Any] = {}
        for name in self.names():
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                value = os.fspath(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


def config_from(config: AnalysisConfig | None, options: Mapping[str, Any]) -> AnalysisConfig:
    """The config of a call of :func:`~consensus_nlp.report.analyze`: ``config``, or its keyword ``options`` as one.

    Raises:
        InputTypeError: ``config`` is not an :class:`AnalysisConfig`.
        InvalidArgumentError: a keyword option differs from its default beside a ``config``.
    """
    if config is None:
        return AnalysisConfig.from_options(options)
    if not isinstance(config, AnalysisConfig):
        raise InputTypeError(describe("config", config, "is not an AnalysisConfig", accepted="AnalysisConfig or None"))
    defaults = AnalysisConfig()
    given = [name for name, value in options.items() if value != getattr(defaults, name)]
    if given:
        raise InvalidArgumentError(describe(given[0], options[given[0]], "is given beside config=",
                                            todo=f"Put it in the config: dataclasses.replace(config, {given[0]}=...)."))
    return config
