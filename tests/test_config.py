"""AnalysisConfig: one frozen object for the options of analyze, read by the CLI, analyze and the manifest."""

from __future__ import annotations

import argparse
import dataclasses
import inspect

import pytest

from consensus_nlp.errors import InputTypeError, InvalidArgumentError
from consensus_nlp.report import AnalysisConfig, analyze
from consensus_nlp.report.config import config_from
from consensus_nlp.report.inputs import InputSpec


def test_config_fields_are_the_keyword_options_of_analyze_with_the_same_defaults():
    signature = inspect.signature(analyze)
    keywords = {name: p.default for name, p in signature.parameters.items() if name not in ("inputs", "config")}
    assert list(keywords) == AnalysisConfig.names()
    assert keywords == {f.name: f.default for f in dataclasses.fields(AnalysisConfig)}


def test_config_is_frozen_and_normalizes_lists():
    config = AnalysisConfig(meta_columns=["year", "org"], command=["consensus-nlp", "analyze"])
    assert config.meta_columns == ("year", "org") and config.command == ("consensus-nlp", "analyze")
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.k = 3  # type: ignore[misc]
    assert config.input_spec() == InputSpec(meta_columns=("year", "org"))
    assert config.record() == {"out_dir": "consensus-nlp-report", "units": "outline_item", "k": None, "engine": "tomotopy",
                               "random_state": 0, "themes": "cppcc", "by": None, "meta_pattern": None,
                               "text_column": None, "id_column": None, "meta_columns": ["year", "org"], "progress": None,
                               "command": ["consensus-nlp", "analyze"], "scheduler": None, "workers": None}
    with pytest.raises(InputTypeError, match="meta_columns"):
        AnalysisConfig(meta_columns="year")
    with pytest.raises(InvalidArgumentError, match="'seed'"):
        AnalysisConfig.from_options({"seed": 1})


def test_config_from_the_command_line_maps_option_names():
    from consensus_nlp.cli import build_parser

    args = build_parser().parse_args(["analyze", "x.csv", "--out", "o", "--seed", "3", "--k", "4", "--meta-columns", "a,b",
                                      "--no-progress"])
    config = AnalysisConfig.from_cli(args, command=["consensus-nlp", "analyze", "x.csv"])
    assert (config.out_dir, config.random_state, config.k, config.meta_columns, config.progress) == ("o", 3, 4, ("a", "b"), False)
    assert config.command == ("consensus-nlp", "analyze", "x.csv") and config.units == "outline_item"
    assert AnalysisConfig.from_cli(argparse.Namespace(out="p", unrelated=1)).out_dir == "p"


def test_analyze_takes_a_config_or_keywords_not_both():
    config = AnalysisConfig(units="speech", k=2)
    assert config_from(config, {name: getattr(AnalysisConfig(), name) for name in AnalysisConfig.names()}) is config
    assert config_from(None, {**AnalysisConfig().record(), "units": "speech", "k": 2, "meta_columns": None,
                          "command": None}) == config
    with pytest.raises(InvalidArgumentError, match="k=3 is given beside config="):
        analyze("gansu-cppcc-2021", config=config, k=3)
    with pytest.raises(InputTypeError, match="config"):
        analyze("gansu-cppcc-2021", config={"k": 2})


def test_the_command_line_defaults_are_the_configs():
    """The CLI's options may not drift from the config: `analyze` with no option is AnalysisConfig()."""
    from consensus_nlp.cli import build_parser

    assert AnalysisConfig.from_cli(build_parser().parse_args(["analyze"])) == AnalysisConfig()
