"""#15 in a real Chromium set to Chinese: choosing then dialling at once, signing out on every
page, gradio's own words in Chinese, the studio's Chinese messages and 恢复此版本, a closed tab's
call ending as 未完成, and calls made without accounts kept apart on the review page.

Screenshots go to ``test-artifacts/sessions-*.png``.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from simulator.accounts.users import Users
from simulator.sweeper import ABANDONED
from tests.fixtures.browser import ARTIFACTS, CHROMIUM, need_chromium
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve

PASSWORD = "pass-word-1"
INTRO = "您好，我是招商银行信用卡中心的小李，工号一二三四，本次通话会录音。"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
need_chromium()
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect


@pytest.fixture
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield b
        b.close()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    # pages wait for a gradio app on 2 shared cores: 20 s ran out once under a parallel load
    page.set_default_timeout(45_000)
    return page


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"sessions-{name}.png"), full_page=True)


def english_lines(page) -> list[str]:
    """Visible lines with an English word in them, leaving out names and the command line."""
    allowed = re.compile(r"Gradio|API|YAML|yaml|CSV|[0-9a-f]{12}|[a-z_]+_[a-z_]+|boss|wang")
    lines = page.locator("body").inner_text().splitlines()
    return [
        line
        for line in lines
        # the no-accounts banner quotes the command that creates an account; gradio writes
        # its queue progress ("queue: 1/2 |", "processing |") in English, untranslatable
        if re.search(r"[A-Za-z]{3,}", allowed.sub("", line))
        and "callsim users" not in line
        and not re.match(r"\s*(queue:|processing)", line)
    ]


def sign_in(page, url: str, name: str, path: str = "") -> None:
    page.goto(url + path)
    page.locator("input[type=password]").wait_for()
    page.locator("input").first.fill(name)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("input[type=password]").wait_for(state="detached")


def test_choosing_then_dialling_at_once_dials_the_choice(browser, tmp_path):
    services = make_services(tmp_path / "data")
    with serve(services) as url:
        page = new_page(browser)
        page.goto(url)
        expect(page.locator("#start-call")).to_be_visible(timeout=30_000)
        card = page.locator(".panel, [class*=panel]").filter(has_text="何静").first
        card.get_by_role("button", name="选这位").click()
        page.locator("#start-call").click()  # at once, before any reply from the server
        expect(page.locator("#transcript")).to_be_visible()
        expect(page.locator("#notice")).not_to_contain_text("请先选择")
        [row] = services.store.sessions()
        assert row["persona"] == "disputing_he"
        assert english_lines(page) == [], english_lines(page)  # gradio's words too
        shot(page, "1-dialled")


def test_every_page_signs_out_and_speaks_chinese(browser, tmp_path):
    services = make_services(tmp_path / "data")
    Users(services.store).add("boss", ["manager", "trainer", "trainee"], PASSWORD)
    with serve(services) as url:
        page = new_page(browser)
        page.goto(url)
        page.locator("input[type=password]").wait_for()
        body = page.locator("body").inner_text()
        assert "用户名" in body and "密码" in body and "Login" not in body
        shot(page, "2-sign-in")
        sign_in(page, url, "boss")
        for path, ready in (
            ("", "#start-call"),
            ("studio", "#studio-persona-list"),
            ("review", "#review-table"),
        ):
            page.goto(url + path)
            expect(page.locator(ready)).to_be_visible(timeout=30_000)
            # the bar is filled in when the page loads (the staff pages, then 退出登录); a click
            # while it is re-drawn can be lost, so wait for the staff links first
            expect(page.get_by_role("link", name="训练师工作台")).to_be_visible()
            link = page.get_by_role("link", name="退出登录")
            expect(link).to_be_visible()
            assert link.get_attribute("href").endswith("/logout?all_session=false")
            assert english_lines(page) == [], (path, english_lines(page))
        shot(page, "3-review-signed-in")
        cookie = {c["name"]: c["value"] for c in page.context.cookies()}
        page.get_by_role("link", name="退出登录").click()
        page.locator("input[type=password]").wait_for()
        assert page.context.cookies() == []
        # the old token is dead on the server too, not only forgotten by this browser
        page.context.add_cookies([{"name": k, "value": v, "url": url} for k, v in cookie.items()])
        page.goto(url + "review")
        page.locator("input[type=password]").wait_for()


def test_the_studio_says_what_is_wrong_in_chinese_and_restores_a_version(browser, tmp_path):
    personas = tmp_path / "personas"
    shutil.copytree(Path(__file__).resolve().parent.parent / "personas", personas)
    services = make_services(tmp_path / "data")
    services.personas_dir = personas
    with serve(services) as url:
        page = new_page(browser)
        page.goto(url + "studio")
        page.locator("#studio-persona-name input, #studio-persona-name textarea").first.fill(
            "cooperative_wang"
        )
        page.get_by_role("button", name="打开").first.click()
        editor = page.locator("#studio-persona-yaml .cm-content")
        expect(editor).to_contain_text("王丽娟", timeout=20_000)
        original = (personas / "cooperative_wang.yaml").read_text("utf-8")
        # a schema mistake: difficulty 7 on line 5
        editor.get_by_text("difficulty: 1").click()
        page.keyboard.press("End")
        page.keyboard.press("Backspace")
        page.keyboard.type("7")
        check = page.locator("#studio-persona-check")
        expect(check).to_contain_text("第 5 行 difficulty：不能大于 5（现在是 7）")
        assert "Input should" not in check.inner_text()
        shot(page, "4-studio-check")
        page.locator("#studio-persona-save").click()
        expect(page.locator("#studio-persona-saved")).to_contain_text("未保存")
        # put it right and save: the old version is kept in the data folder, not the tree
        editor.get_by_text("difficulty: 7").click()
        page.keyboard.press("End")
        page.keyboard.press("Backspace")
        page.keyboard.type("2")
        expect(check).to_contain_text("校验通过")
        page.locator("#studio-persona-save").click()
        expect(page.locator("#studio-persona-saved")).to_contain_text("旧版本已保留")
        assert "difficulty: 2" in (personas / "cooperative_wang.yaml").read_text("utf-8")
        assert not (personas / ".versions").exists()
        version = page.locator("#studio-persona-version input")
        expect(version).to_have_value(re.compile(r"\d\d:\d\d:\d\d 保存前的版本"))
        page.locator("#studio-persona-restore").click()
        expect(page.locator("#studio-persona-saved")).to_contain_text("已恢复")
        assert (personas / "cooperative_wang.yaml").read_text("utf-8") == original
        shot(page, "5-studio-restored")


def test_a_closed_tab_ends_its_call_as_unfinished(browser, tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.sweeper.GRACE_S", 0.5)
    monkeypatch.setenv("GRADIO_HEARTBEAT_INTERVAL", "1")  # a closed tab is noticed in ~1 s
    services = make_services(tmp_path / "data")
    with serve(services) as url:
        page = new_page(browser)
        page.goto(url)
        card = page.locator(".panel, [class*=panel]").filter(has_text="张卫东").first
        card.get_by_role("button", name="选这位").click()
        page.locator("#start-call").click()
        box = page.locator("#say-text textarea")
        box.fill(INTRO)
        box.press("Enter")
        expect(page.locator("#transcript")).to_contain_text(INTRO)
        [row] = services.store.sessions()
        page.close()  # the tab closes mid-call
        deadline = time.monotonic() + 20
        while not services.store.scores(row["id"]):  # ended, then scored as such
            assert time.monotonic() < deadline, "the call stayed open, or was not scored"
            time.sleep(0.2)
        assert services.store.session(row["id"])["ended_by"] == ABANDONED
        page = new_page(browser)
        page.goto(url)
        page.get_by_role("tab", name="我的记录").click()
        expect(page.locator("#history")).to_contain_text("未完成")
        shot(page, "6-history-unfinished")


def test_calls_made_without_accounts_are_kept_apart_on_the_review_page(browser, tmp_path):
    from tests.test_review import seed_calls

    services = make_services(tmp_path / "data")
    seed_calls(services.store)
    local = services.store.new_session(
        persona="hostile_zhang",
        persona_version="v1",
        started_at="2026-11-19T20:00:00+08:00",
        seed=1,
        user="local",
    )
    services.store.add_turn(local, 0, "customer", "喂？")
    services.store.end_session(local, "customer_hangup", None)
    Users(services.store).add("boss", ["manager"], PASSWORD)
    with serve(services) as url:
        page = new_page(browser)
        sign_in(page, url, "boss", "review")
        page.get_by_text("共 3 通电话").wait_for()
        table = page.locator("#review-table")
        assert "本地模式" not in table.inner_text()
        assert "张卫东（上次被打到家里，一接就火）" in table.inner_text()
        page.locator("#review-local input").check()
        page.locator("#review-search").click()
        page.get_by_text("共 4 通电话").wait_for()
        expect(table).to_contain_text("本地模式")
        expect(table).to_contain_text("2026-11-19 20:00")
        assert english_lines(page) == [], english_lines(page)
        shot(page, "7-review-local")
