"""A certification's variant stays unseen: the practice page refuses its seed (toast + log line)."""

from __future__ import annotations

import logging

import pytest
from gradio_client import Client

from simulator.storage import Store
from simulator.training import Training

from .test_accounts_sessions import PASSWORD, app  # noqa: F401 - the whole app, three accounts


def test_practice_refuses_the_certification_seed_and_nothing_else(app, caplog):  # noqa: F811
    url, data_dir = app
    store = Store(data_dir)  # its own connection, as the trainer's page has
    Training(store).assign(
        title="认证：张卫东",
        created_by="boss",
        trainees=["li"],
        personas=["hostile_zhang"],
        due="2099-12-31",
        pass_mark=60,
        cert_calls=1,
    )
    [seed] = Training(store).reserved_seeds("li", "hostile_zhang")
    store.close()
    li = Client(url, auth=("li", PASSWORD), verbose=False)
    with caplog.at_level(logging.INFO):
        with pytest.raises(Exception, match="留给认证考核"):  # noqa: B017 - gradio_client's AppError
            li.predict("hostile_zhang", seed, "", False, api_name="/start_call")
    refused = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert any("li" in m and "certification" in m for m in refused), refused
    assert not any(f"seed={seed}" in m for m in refused)  # the log says why, not the secret
    # another seed, or the same seed for a trainee without that certification, is plain practice
    other = seed + 1
    assert li.predict("hostile_zhang", other, "", False, api_name="/start_call")
    wang = Client(url, auth=("wang", PASSWORD), verbose=False)
    assert wang.predict("hostile_zhang", seed, "", False, api_name="/start_call")
