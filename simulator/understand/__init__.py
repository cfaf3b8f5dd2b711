"""Understanding the trainee's Chinese: dialogue acts with slots.

One vocabulary of acts serves both the simulated customer (``simulator.policy``) and the scorer
(``scoring``). Rules (normalisation, regex, lexicon, Chinese numerals) always run; an LLM
classifier may add acts when one is configured, never remove them.

The public surface is :func:`understand` and the dataclasses below; everything else in this
package is an implementation detail.
"""

from simulator.understand.acts import (
    ACT_DESCRIPTIONS,
    AGENT_ACTS,
    VIOLATION_ACTS,
    Act,
    Understanding,
)
from simulator.understand.core import understand
from simulator.understand.dates import parse_date, spoken_date
from simulator.understand.normalize import normalize
from simulator.understand.numbers import parse_amounts, parse_months, spoken_amount

__all__ = [
    "ACT_DESCRIPTIONS",
    "AGENT_ACTS",
    "VIOLATION_ACTS",
    "Act",
    "Understanding",
    "normalize",
    "parse_amounts",
    "parse_date",
    "parse_months",
    "spoken_amount",
    "spoken_date",
    "understand",
]
