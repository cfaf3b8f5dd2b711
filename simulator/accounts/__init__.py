"""Accounts: who may sign in, their roles, their sessions, and how sign-in holds under load.

- :mod:`~simulator.accounts.users` — the accounts table, roles, session keys;
- :mod:`~simulator.accounts.passwords` — scrypt hashes and why their cost is what it is;
- :mod:`~simulator.accounts.auth` — the sign-in callable and the role checks handlers make;
- :mod:`~simulator.accounts.sessions` — browser sessions that end with their account;
- :mod:`~simulator.accounts.throttle` — lockouts for repeated failures, per name and address;
- :mod:`~simulator.accounts.middleware` — the two ASGI middlewares in front of gradio;
- :mod:`~simulator.accounts.users_cli` — ``callsim users add|list|passwd|remove``.
"""

from simulator.accounts.auth import LOCAL_USER, AccessDenied, Auth
from simulator.accounts.users import ROLE_LABELS, ROLES, User, UserError, Users

__all__ = [
    "LOCAL_USER",
    "ROLES",
    "ROLE_LABELS",
    "AccessDenied",
    "Auth",
    "User",
    "UserError",
    "Users",
]
