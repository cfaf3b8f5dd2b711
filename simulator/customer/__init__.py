"""The simulated customer's own reasoning, beside the policy: questions, numbers, moods, memory.

:mod:`simulator.policy` decides each move; the modules here answer the narrower questions it
asks on the way — which question the trainee asked, how a person would round a counter-offer,
what is wrong with an offer, how fast anger falls, and what the trainee said before.
"""

from simulator.customer.questions import QUESTIONS, Question, ask

__all__ = ["QUESTIONS", "Question", "ask"]
