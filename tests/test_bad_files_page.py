"""One broken persona file on a running app: the good customers are still offered and dialled."""

from __future__ import annotations

import shutil
import urllib.request

from gradio_client import Client

from simulator.persona import default_personas_dir
from simulator.ui import call_flow
from simulator.ui.call_flow import PracticeState
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve


def _folder_with_one_broken_file(tmp_path):
    folder = tmp_path / "personas"
    shutil.copytree(default_personas_dir(), folder)
    broken = folder / "hostile_zhang.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\ntemper: .nan\n", encoding="utf-8")
    (folder / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    return folder


def test_the_good_customers_stay_on_the_page(tmp_path):
    services = make_services(tmp_path / "data")
    services.personas_dir = _folder_with_one_broken_file(tmp_path)
    assert "cooperative_wang" in services.personas()
    assert "hostile_zhang" not in services.personas()
    problems = services.persona_problems()
    assert any("hostile_zhang.yaml" in p for p in problems)
    assert any("deep.yaml" in p and "nested deeper" in p for p in problems)

    with serve(services) as url:
        page = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
        assert "hostile_zhang.yaml" in page and "暂时不能选用" in page
        client = Client(url, verbose=False)
        out = client.predict("cooperative_wang", 1, "", False, api_name="/start_call")
        assert not out[0] and out[1], "a good customer answers"
    services.store.close()


def test_a_file_broken_after_the_page_loaded_is_named_at_dial(tmp_path):
    services = make_services(tmp_path / "data")
    services.personas_dir = _folder_with_one_broken_file(tmp_path)
    _, view = call_flow.start(services, PracticeState(), "hostile_zhang", seed=1)
    assert view.phase == "setup" and "hostile_zhang.yaml" in view.notice
    # Hidden facts stay hidden: the notice names the file, not the field that broke.
    assert "temper" not in view.notice
    services.store.close()
