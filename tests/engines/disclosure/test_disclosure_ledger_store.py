"""A report's audiences are stored packed and read back exactly, for the next round's ledger."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from village.engines.disclosure import Ledger, pack_audiences, unpack_audiences

audience = st.lists(st.integers(min_value=1, max_value=2**40), max_size=60, unique=True).map(
    lambda ids: np.array(sorted(ids), dtype=np.int64)
)


@given(st.lists(audience, max_size=12))
def test_packed_audiences_come_back_unchanged(audiences: list[np.ndarray]) -> None:
    back = unpack_audiences(pack_audiences(audiences))
    assert len(back) == len(audiences)
    for original, restored in zip(audiences, back, strict=True):
        assert restored.dtype == np.int64
        assert np.array_equal(original, restored)


def test_a_ledger_read_back_refuses_the_same_near_audiences() -> None:
    everyone = np.arange(100, 160, dtype=np.int64)
    shown = [everyone[:40], everyone[10:50], everyone[:5]]
    ledger = Ledger(minimum=5, audiences=unpack_audiences(pack_audiences(shown)))
    assert ledger.near(everyone[:41])  # one newcomer beside a group already shown
    assert not ledger.near(everyone[:40])  # the very same people: nothing new to learn
    assert not ledger.near(everyone[:45])  # five new people: at the minimum
