"""Tests of sop_lib.data.settings: each company.yaml setting's one definition drives the config
classes, loading and its checks, and the data contract document."""
from __future__ import annotations

import dataclasses
import pickle
import typing

import pytest

from sop_lib.data import contract
from sop_lib.data.company import CompanyConfig, StatusBands
from sop_lib.data.loading import read_config
from sop_lib.data.settings import (
    BAND_SETTINGS,
    COMPANY_SETTINGS,
    NUMBER,
    SHARE,
    STATUS_BANDS,
    WHOLE,
)

REQUIRED = "name: Acme\ncurrency: EUR\n"
KEYED = [(s, s.name) for s in COMPANY_SETTINGS] + [(s, f"{STATUS_BANDS}.{s.name}")
                                                   for s in BAND_SETTINGS]
RANGED = [(s, key) for s, key in KEYED if s.kind in (WHOLE, NUMBER, SHARE)]
TYPES = {WHOLE: int, NUMBER: float, SHARE: float}


def yaml_text(values: dict) -> str:
    """company.yaml with name, currency and `values` (`status_bands.` keys indented)."""
    top = "".join(f"{k}: {v}\n" for k, v in values.items() if "." not in k)
    bands = "".join(f"  {k.split('.')[1]}: {v}\n" for k, v in values.items() if "." in k)
    return REQUIRED + top + (f"{STATUS_BANDS}:\n{bands}" if bands else "")


def read(tmp_path, values: dict):
    (tmp_path / "company.yaml").write_text(yaml_text(values), encoding="utf-8")
    return read_config(tmp_path)


def ids(cases):
    return [key for _, key in cases]


def test_the_config_classes_have_a_typed_field_per_setting_with_its_default():
    config, bands = dataclasses.fields(CompanyConfig), dataclasses.fields(StatusBands)
    assert [f.name for f in config] == [s.name for s in COMPANY_SETTINGS] + [STATUS_BANDS]
    assert [f.name for f in bands] == [s.name for s in BAND_SETTINGS]
    for setting, field in zip(COMPANY_SETTINGS + BAND_SETTINGS, config[:-1] + bands):
        assert field.type is {**TYPES, "text": str, "choice": str}[setting.kind]
        assert field.default == (dataclasses.MISSING if setting.required else setting.default)
    assert typing.get_type_hints(CompanyConfig)[STATUS_BANDS] is StatusBands


def test_the_config_classes_are_named_in_their_module_so_workers_can_unpickle_them():
    config = CompanyConfig("Acme", "EUR", status_bands=StatusBands(bias_alert=0.2))
    assert pickle.loads(pickle.dumps(config)) == config
    assert repr(config).startswith("CompanyConfig(name='Acme', currency='EUR', horizon_months=18")


@pytest.mark.parametrize(("setting", "key"), KEYED, ids=ids(KEYED))
def test_definitions_are_well_formed(setting, key):
    group = COMPANY_SETTINGS if "." not in key else BAND_SETTINGS
    assert [s.name for s in group].count(setting.name) == 1
    assert setting.meaning.endswith(".")
    if setting.kind in TYPES:
        assert setting.low <= setting.default <= setting.high
        assert isinstance(setting.default, TYPES[setting.kind])
    if setting.choices:
        assert setting.default in setting.choice_names
    if setting.contains:
        green = next(s for s in group if s.name == setting.contains)
        assert group.index(green) < group.index(setting) and green.default <= setting.default


def test_settings_left_out_take_their_defaults(tmp_path):
    config, problems = read(tmp_path, {})
    assert problems == [] and config == CompanyConfig("Acme", "EUR")
    for setting in COMPANY_SETTINGS[2:]:
        assert getattr(config, setting.name) == setting.default
    for setting in BAND_SETTINGS:
        assert getattr(config.status_bands, setting.name) == setting.default


@pytest.mark.parametrize(("setting", "key"), RANGED, ids=ids(RANGED))
def test_the_ends_of_a_range_are_read(tmp_path, setting, key):
    for end in (setting.low, setting.high):
        value = TYPES[setting.kind](end)
        # the bands whose range holds the value take it too, so that no amber is below its green
        values = {k: value for s, k in RANGED if "." in k and s.low <= value <= s.high}
        config, problems = read(tmp_path, {**values, key: value})
        assert problems == []
        read_value = getattr(config.status_bands if "." in key else config, setting.name)
        assert read_value == value and type(read_value) is TYPES[setting.kind]


@pytest.mark.parametrize(("setting", "key"), RANGED, ids=ids(RANGED))
def test_a_value_outside_the_range_is_refused_naming_the_setting_and_range(tmp_path, setting,
                                                                           key):
    for value in (setting.low - 1, setting.high + 1):
        value = TYPES[setting.kind](value)
        config, problems = read(tmp_path, {key: value})
        assert config is None and len(problems) == 1
        problem = problems[0]
        assert (problem.file, problem.column, problem.value) == ("company.yaml", key, str(value))
        assert f"from {setting.low:g} to {setting.high:g}" in problem.expected
        assert f"(default {setting.default_text})" in problem.expected
        assert str(problem).startswith(f"ERROR company.yaml, column {key}: value '{value}': "
                                       f"expected a")


@pytest.mark.parametrize(("setting", "key"), RANGED, ids=ids(RANGED))
def test_text_and_booleans_are_refused_where_a_number_is_expected(tmp_path, setting, key):
    for value in ("ten", "yes"):
        config, problems = read(tmp_path, {key: value})
        assert config is None and [p.column for p in problems] == [key]


def test_a_whole_number_setting_refuses_a_fraction(tmp_path):
    config, problems = read(tmp_path, {"horizon_months": 18.5})
    assert config is None
    assert problems[0].expected == "expected a whole number from 12 to 36 (default 18)"


def test_a_share_is_said_to_be_one(tmp_path):
    _, problems = read(tmp_path, {"status_bands.bias_alert": 5})
    assert problems[0].expected == "expected a number from 0 to 1, a share (default 0.05)"


CHOICES = [(s, key) for s, key in KEYED if s.choices]


@pytest.mark.parametrize(("setting", "key"), CHOICES, ids=ids(CHOICES))
def test_every_choice_is_read_ignoring_case_and_others_are_refused(tmp_path, setting, key):
    for choice in setting.choice_names:
        config, problems = read(tmp_path, {key: f" {choice.upper()}"})
        assert problems == [] and getattr(config, setting.name) == choice
    config, problems = read(tmp_path, {key: "other"})
    assert config is None
    assert [(p.column, p.value) for p in problems] == [(key, "other")]
    assert problems[0].expected == (f"expected one of {', '.join(setting.choice_names)} "
                                    f"(default {setting.default})")


@pytest.mark.parametrize("setting", [s for s in COMPANY_SETTINGS if s.required],
                         ids=lambda s: s.name)
def test_a_required_setting_left_out_is_refused(tmp_path, setting):
    others = REQUIRED.replace(f"{setting.name}: ", "other: ")
    (tmp_path / "company.yaml").write_text(others, encoding="utf-8")
    config, problems = read_config(tmp_path)
    assert config is None
    errors = [p for p in problems if p.is_error]
    assert [(p.column, p.value, p.expected) for p in errors] == [
        (setting.name, None, f"expected the company {setting.name}")]


@pytest.mark.parametrize("setting", [s for s in BAND_SETTINGS if s.contains],
                         ids=lambda s: s.name)
def test_an_amber_band_below_its_green_one_is_refused(tmp_path, setting):
    green = f"{STATUS_BANDS}.{setting.contains}"
    config, problems = read(tmp_path, {green: 0.5, f"{STATUS_BANDS}.{setting.name}": 0.4})
    assert config is None
    assert [(p.column, p.value) for p in problems] == [(f"{STATUS_BANDS}.{setting.name}", "0.4")]
    assert problems[0].expected == (f"expected at least {setting.contains} (0.5): the amber "
                                    "band contains the green one")


def test_unknown_keys_are_warnings_listing_the_settings(tmp_path):
    config, problems = read(tmp_path, {"horizon": 12, "status_bands.colour": 1})
    assert config == CompanyConfig("Acme", "EUR")
    assert [(p.column, p.severity) for p in problems] == [
        ("horizon", "warning"), ("status_bands.colour", "warning")]
    assert all(s.name in problems[0].expected for s in COMPANY_SETTINGS)
    assert STATUS_BANDS in problems[0].expected
    assert all(s.name in problems[1].expected for s in BAND_SETTINGS)


@pytest.mark.parametrize(("setting", "key"), KEYED, ids=ids(KEYED))
def test_the_document_lists_every_setting_with_its_type_default_and_rule(setting, key):
    row = next(line for line in contract.markdown().splitlines()
               if line.startswith(f"| `{key}` |"))
    default = setting.default_text or "required"
    default = f"`{default}`" if setting.choices else default
    assert row.startswith(f"| `{key}` | {setting.kind} | {default} | ")
    assert setting.meaning in row
    if setting.kind in TYPES:
        assert f"| from {setting.low:g} to {setting.high:g}" in row
    for choice, meaning in setting.choices:
        assert f"`{choice}`: {meaning}." in row
    if setting.contains:
        assert f"at least `{STATUS_BANDS}.{setting.contains}`" in row


def test_the_document_explains_the_status_bands_mapping():
    text = contract.markdown()
    assert f"| `{STATUS_BANDS}` | mapping |" in text
    assert "a setting left out takes its default" in text
