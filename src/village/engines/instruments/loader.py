"""Read and check the instrument data files in ``data/``.

Every file is validated when loaded (item numbering, subscale membership, conversion tables
covering every possible raw score, bands covering the whole range without gaps or overlaps),
so a typo in a data file fails the test suite instead of mis-scoring someone's answers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from village.engines.instruments.errors import InstrumentError
from village.engines.instruments.model import (
    AUDIENCES,
    Band,
    Instrument,
    Item,
    Licence,
    Method,
    Option,
    ResponseScale,
    Subscale,
    render,
)

DATA_PACKAGE = "village.engines.instruments.data"


@functools.cache
def load_instruments() -> Mapping[str, Instrument]:
    """All shipped instruments by id, in file-name order; read once per process."""
    files = sorted(
        (
            entry
            for entry in resources.files(DATA_PACKAGE).iterdir()
            if entry.name.endswith(".yaml")
        ),
        key=lambda entry: entry.name,
    )
    instruments: dict[str, Instrument] = {}
    for entry in files:
        instrument = parse_instrument(yaml.safe_load(entry.read_text(encoding="utf-8")))
        if instrument.id in instruments:
            raise InstrumentError(f"duplicate instrument id {instrument.id!r}")
        instruments[instrument.id] = instrument
    return MappingProxyType(instruments)


def get_instrument(instrument_id: str) -> Instrument:
    """One instrument by id, with a clear error naming the ids that exist."""
    instruments = load_instruments()
    try:
        return instruments[instrument_id]
    except KeyError:
        known = ", ".join(instruments)
        raise InstrumentError(f"unknown instrument {instrument_id!r} (known: {known})") from None


def parse_instrument(data: Mapping[str, Any]) -> Instrument:
    """Build and validate one instrument from its YAML mapping."""
    instrument_id = str(data["id"])
    scales = {
        scale_id: ResponseScale(
            id=scale_id,
            options=tuple(
                Option(value=int(o["value"]), label=str(o["label"]), points=float(o["points"]))
                for o in options
            ),
        )
        for scale_id, options in data["scales"].items()
    }
    wording = {str(k): str(v) for k, v in (data.get("wording") or {}).items()}
    default_scale = data.get("default_scale")
    items: list[Item] = []
    templates: dict[int, str] = {}
    for raw in data["items"]:
        number = int(raw["number"])
        text = str(raw["text"])
        if "{" in text:
            templates[number] = text
        scale_id = raw.get("scale", default_scale)
        if scale_id not in scales:
            raise InstrumentError(f"{instrument_id} item {number}: unknown scale {scale_id!r}")
        items.append(
            Item(
                number=number,
                text=render(text, wording),
                scale=scales[scale_id],
                reverse=bool(raw.get("reverse", False)),
            )
        )
    licence_data = data["licence"]
    licence = Licence(
        terms=str(licence_data["terms"]).strip(),
        copyright=str(licence_data.get("copyright", "")),
        requires_confirmation=bool(licence_data.get("requires_confirmation", False)),
        rewordable=tuple(licence_data.get("rewordable", ())),
        url=str(licence_data.get("url", "")),
    )
    instructions_template = str(data["instructions"]).strip()
    instrument = Instrument(
        id=instrument_id,
        name=str(data["name"]),
        short_name=str(data["short_name"]),
        instructions=render(instructions_template, wording),
        recall_period=str(data["recall_period"]),
        items=tuple(items),
        subscales=tuple(_parse_subscale(s) for s in data["subscales"]),
        citation=str(data["citation"]).strip(),
        licence=licence,
        audiences=tuple(str(a) for a in data["audiences"]),
        validated=bool(data.get("validated", True)),
        wording=MappingProxyType(wording),
        templates=MappingProxyType(templates),
        instructions_template=instructions_template if "{" in instructions_template else "",
    )
    validate(instrument)
    return instrument


def _parse_subscale(data: Mapping[str, Any]) -> Subscale:
    conversion = data.get("conversion")
    return Subscale(
        id=str(data["id"]),
        name=str(data["name"]),
        items=tuple(int(n) for n in data["items"]),
        method=Method(data["method"]),
        interpretation=str(data["interpretation"]).strip(),
        conversion=(
            MappingProxyType({int(k): float(v) for k, v in conversion.items()})
            if conversion
            else None
        ),
        bands=tuple(
            Band(
                id=str(b["id"]),
                label=str(b["label"]),
                low=float(b["low"]),
                high=float(b["high"]),
                interpretation=str(b["interpretation"]).strip(),
            )
            for b in data.get("bands", ())
        ),
        higher_is=str(data.get("higher_is", "")),
    )


def raw_range(instrument: Instrument, subscale: Subscale) -> tuple[float, float]:
    """The lowest and highest raw score a subscale can take."""
    lows = [min(o.points for o in instrument.item(n).scale.options) for n in subscale.items]
    highs = [max(o.points for o in instrument.item(n).scale.options) for n in subscale.items]
    if subscale.method is Method.SUM:
        return sum(lows), sum(highs)
    return min(lows), max(highs)


def validate(instrument: Instrument) -> None:
    """Raise ``InstrumentError`` if the instrument's data cannot be scored unambiguously."""
    where = instrument.id
    if not instrument.audiences or set(instrument.audiences) - set(AUDIENCES):
        raise InstrumentError(f"{where}: audiences must be some of {', '.join(AUDIENCES)}")
    numbers = [item.number for item in instrument.items]
    if numbers != list(range(1, len(numbers) + 1)):
        raise InstrumentError(f"{where}: items must be numbered 1..n in order")
    unknown_words = set(instrument.licence.rewordable) - set(instrument.wording)
    if unknown_words:
        raise InstrumentError(f"{where}: rewordable words without defaults: {unknown_words}")
    covered: set[int] = set()
    for subscale in instrument.subscales:
        missing = set(subscale.items) - set(numbers)
        if missing:
            raise InstrumentError(f"{where}.{subscale.id}: unknown items {sorted(missing)}")
        covered.update(subscale.items)
        _validate_conversion(instrument, subscale)
        _validate_bands(instrument, subscale)
    if covered != set(numbers):
        raise InstrumentError(f"{where}: items in no subscale: {sorted(set(numbers) - covered)}")


def _validate_conversion(instrument: Instrument, subscale: Subscale) -> None:
    if subscale.conversion is None:
        return
    if subscale.method is not Method.SUM:
        raise InstrumentError(f"{instrument.id}.{subscale.id}: conversion needs a sum")
    low, high = raw_range(instrument, subscale)
    expected = set(range(int(low), int(high) + 1))
    if set(subscale.conversion) != expected:
        raise InstrumentError(
            f"{instrument.id}.{subscale.id}: conversion must cover raw {int(low)}..{int(high)}"
        )


def _validate_bands(instrument: Instrument, subscale: Subscale) -> None:
    if not subscale.bands:
        return
    where = f"{instrument.id}.{subscale.id}"
    bands = sorted(subscale.bands, key=lambda band: band.low)
    low, high = raw_range(instrument, subscale)
    if subscale.conversion is not None:
        low, high = min(subscale.conversion.values()), max(subscale.conversion.values())
    if bands[0].low > low or bands[-1].high < high:
        raise InstrumentError(f"{where}: bands must cover {low}..{high}")
    for before, after in itertools.pairwise(bands):
        if after.low <= before.high:
            raise InstrumentError(f"{where}: bands {before.id} and {after.id} overlap")
        if subscale.method is Method.SUM and after.low != before.high + 1:
            raise InstrumentError(f"{where}: gap between bands {before.id} and {after.id}")
