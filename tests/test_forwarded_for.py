"""A made-up X-Forwarded-For does not slip past the per-address sign-in limit."""

from __future__ import annotations

import httpx

from simulator.accounts.users import Users
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve


def test_spoofed_forwarded_addresses_share_the_real_address_limit(tmp_path, monkeypatch):
    monkeypatch.delenv("CALLSIM_TRUSTED_PROXIES", raising=False)
    services = make_services(tmp_path / "data")
    Users(services.store).add("wang", ["trainee"], "pass-word-1")
    with serve(services) as url:
        client = httpx.Client(base_url=url.rstrip("/"), timeout=30)
        codes = []
        for i in range(25):  # a different name and a different claimed address each time
            response = client.post(
                "/login",
                data={"username": f"guess{i}", "password": "wrong-password"},
                headers={"X-Forwarded-For": f"10.0.{i}.1"},
            )
            codes.append(response.status_code)
        assert 429 in codes, codes  # the real address (127.0.0.1) hit its limit
        refused = client.post(
            "/login",
            data={"username": "wang", "password": "pass-word-1"},
            headers={"X-Forwarded-For": "10.9.9.9"},
        )
        assert refused.status_code == 429
    services.store.close()
