"""The training programme in a real Chromium (zh-CN): a trainee's 我的任务, a trainer assigning,
a manager's dashboard with charts and CSV exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .fixtures.browser import SCREENSHOTS, chromium_page, need_chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

need_chromium()

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def app(store):
    from simulator.accounts.users import Users
    from simulator.training import Training

    from .test_auth_api import PASSWORD, build_demo, free_port, make_services
    from .test_review import seed_calls
    from .test_training import add_call

    seed_calls(store)
    for persona, overall in (("hostile_zhang", 90), ("cooperative_wang", 82)):  # a later week
        add_call(store, "li", persona, "2026-11-26T10:00:00+08:00", overall, True)
    users = Users(store)
    users.add("boss", ["manager"], PASSWORD)
    users.add("teacher", ["trainer"], PASSWORD)
    users.add("wang", ["trainee"], PASSWORD)
    users.add("li", ["trainee"], PASSWORD)
    Training(store).assign(
        title="第一周：张卫东与王丽娟",
        created_by="teacher",
        trainees=["wang", "li"],
        personas=["hostile_zhang", "cooperative_wang"],
        due="2026-12-31",
        pass_mark=80,
        cert_calls=1,
        created_at="2026-11-19T09:00:00+08:00",
    )
    demo, auth = build_demo(make_services(store))
    _, url, _ = demo.launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=free_port(),
        quiet=True,
        **auth.launch_kwargs(),
    )
    yield url.rstrip("/"), PASSWORD
    demo.close()


@pytest.fixture
def page():
    with chromium_page() as pg:
        yield pg


def test_a_trainee_sees_what_is_due_and_the_best_score_per_customer(app, page):
    url, password = app
    sign_in(page, url, "wang", password, "/tasks")
    page.get_by_text("共 1 项任务：待完成 1 项，已完成 0 项。").wait_for()
    body = page.locator("#tasks-body").inner_text()
    assert "第一周：张卫东与王丽娟" in body and "【进行中】" in body
    assert "截止日期：2026-12-31" in body and "及格分：80" in body
    # best score per customer, by the customer's Chinese name
    # passed in practice, but the assignment asks for certification: not 已通过 yet (#15)
    assert "张卫东（上次被打到家里，一接就火）\t1\t85\t进行中" in body
    assert "已认证 0/1 项" in body
    assert "王丽娟（忘记还款）\t1\t40\t进行中" in body  # one failed try, still open
    assert "hostile_zhang" not in body
    assert "认证考核" in body and "0/1" in body and "随机种子" not in body
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "my-tasks.png", full_page=True)


def test_a_trainer_assigns_a_difficulty_set_to_a_trainee(app, page, store):
    from simulator.training import Training

    url, password = app
    sign_in(page, url, "teacher", password, "/programme")
    page.get_by_text("当前用户：teacher").wait_for()
    page.locator("#assign-title").wait_for()
    assert page.get_by_role("tab", name="主管看板").count() == 0  # a trainer only
    page.locator("#assign-title input, #assign-title textarea").first.fill("难度四")
    page.get_by_label("或按难度选一组客户").click()
    page.get_by_role("option", name="★★★★☆").click()
    page.locator("#assign-trainees").get_by_label("li").check()
    page.locator("#assign-save").click()
    # every shipped customer of that difficulty (the cast grows: read it, do not count it here)
    from simulator.persona import load_personas_report
    from simulator.training import personas_of_difficulty

    from .conftest import PERSONAS_DIR

    level_four = personas_of_difficulty(load_personas_report(PERSONAS_DIR)[0], 4)
    assert "hostile_zhang" in level_four
    page.get_by_text(f"已布置「难度四」：{len(level_four)} 位客户，学员 li").wait_for()
    playwright.expect(page.locator("#assigned")).to_contain_text("难度四")
    # li passed week one in practice but is not certified: nobody done (#15)
    playwright.expect(page.locator("#assigned")).to_contain_text("0/2 人")
    new = Training(store).assignments()[0]
    assert list(new.personas) == level_four and new.trainees == ("li",)
    # the trainer's progress table gains the new task's rows, nothing started yet
    playwright.expect(page.locator("#assign-progress")).to_contain_text("难度四")
    # a mistake is named in Chinese, nothing stored
    page.locator("#assign-title input, #assign-title textarea").first.fill("")
    page.locator("#assign-save").click()
    page.get_by_text("任务名称不能为空。").wait_for()
    assert len(Training(store).assignments()) == 2


def test_a_manager_reads_the_dashboard_and_exports_csv(app, page):
    url, password = app
    sign_in(page, url, "boss", password, "/programme")
    page.get_by_role("tab", name="主管看板").click()
    team = page.locator("#board-team")
    playwright.expect(team).to_contain_text("wang")
    assert "li" in team.inner_text()
    playwright.expect(page.locator("#board-weakest")).to_contain_text("评分项")
    for plot in ("#board-pass", "#board-done", "#board-skills", "#board-weeks"):
        page.locator(f"{plot} canvas, {plot} svg").first.wait_for()
    # every week is a marker with its value, so a single week is not a blank chart
    weeks = page.locator("#board-weeks")
    assert weeks.locator("circle.cs-point").count() == 2 * 2  # two weeks, two measures
    assert "11-16 起" in weeks.inner_text() and "11-23 起" in weeks.inner_text()
    assert page.get_by_role("tab", name="布置任务").count() == 0  # a manager only: no trainer tab
    page.wait_for_timeout(800)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "training-dashboard.png", full_page=True)

    page.locator("#board-export-team").click()
    link = page.locator("#board-file a").first
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text.split("\n\n")[0])))
    by = {r["学员"]: r for r in rows}
    assert by["wang"]["通过率"] == "50.0" and by["li"]["平均分"] == "80.7"
    # li passed both customers in practice but is not certified: not complete (#15)
    assert by["li"]["完成率"] == "0.0" and by["wang"]["完成率"] == "0.0"
    assert by["li"]["已认证"] == "0/1"

    page.locator("#board-who input").click()
    page.get_by_role("option", name="wang").click()
    page.locator("#board-export-one").click()
    playwright.expect(page.locator("#board-file")).to_contain_text("学员报表_wang")
    with page.expect_download() as download:
        page.locator("#board-file a").first.click()
    rows = list(
        csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert {r["客户"] for r in rows} == {"张卫东（上次被打到家里，一接就火）", "王丽娟（忘记还款）"}

    page.locator("#board-export-team-xlsx").click()
    playwright.expect(page.locator("#board-file")).to_contain_text(".xlsx")
    with page.expect_download() as download:
        page.locator("#board-file a").first.click()
    from openpyxl import load_workbook

    assert download.value.suggested_filename == "团队培训报表.xlsx"
    with open(download.value.path(), "rb") as workbook:
        sheet = load_workbook(workbook).active
    assert [c.value for c in sheet[1]][:3] == ["学员", "任务数", "已完成"]


def test_a_trainee_is_told_the_programme_page_is_for_staff_and_the_refusal_logged(
    app, page, caplog
):
    import logging

    caplog.set_level(logging.WARNING, logger="callsim.refused")
    url, password = app
    sign_in(page, url, "wang", password, "/programme")
    page.get_by_text("这一页只对培训师和主管开放。").wait_for()
    playwright.expect(page.get_by_role("link", name="我的任务").last).to_be_visible()
    page.wait_for_timeout(500)
    # no manager or trainer tab at all, not even empty ones
    assert page.get_by_role("tab", name="主管看板").count() == 0
    assert page.get_by_role("tab", name="布置任务").count() == 0
    assert not page.locator("#assign-title").is_visible()
    lines = [r.getMessage() for r in caplog.records if r.name == "callsim.refused"]
    assert lines == ["refused open page /programme by wang: 这一页只对培训师和主管开放。"]


def test_a_trainer_follows_progress_on_the_assignments_they_gave(app, page):
    url, password = app
    sign_in(page, url, "teacher", password, "/programme")
    table = page.locator("#assign-progress")
    playwright.expect(table).to_contain_text("第一周：张卫东与王丽娟")
    text = table.inner_text()
    # who, which customer, where they stand, best score, due day
    assert "wang" in text and "li" in text and "2026-12-31" in text
    assert "王丽娟（忘记还款）" in text and "进行中" in text
    assert "已通过" not in text  # li passed both in practice, but is not certified (#15)
    assert "hostile_zhang" not in text
    assert page.get_by_role("tab", name="主管看板").count() == 0


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("wang", ["我的任务", "通话复盘"], ["训练师工作台", "培训计划"]),
        ("teacher", ["训练师工作台", "培训计划"], []),
        ("boss", ["培训计划"], ["训练师工作台"]),
    ],
)
def test_the_navigation_bar_lists_staff_pages_only_for_staff(app, page, who, shown, hidden):
    url, password = app
    sign_in(page, url, who, password, "/tasks")
    page.get_by_text(f"当前用户：{who}").wait_for()
    for path in ("/tasks", "/review", "/programme"):
        page.goto(url + path)
        bar = page.locator(".nav-holder, nav").first
        playwright.expect(page.get_by_role("link", name="退出登录")).to_be_visible()
        for name in shown:
            # in the bar: /programme also tells a trainee 您的任务请到 [我的任务](tasks) 查看
            link = bar.get_by_role("link", name=name, exact=True)
            playwright.expect(link).to_have_count(1)
            playwright.expect(link).to_be_visible()
        for name in hidden:
            assert page.get_by_role("link", name=name, exact=True).count() == 0, (path, name)
        assert bar.count() == 1


def test_a_certification_call_is_made_from_my_tasks_on_the_unseen_variant(app, page, store):
    from simulator.training import Training

    url, password = app
    training = Training(store)
    a = training.assignments()[0]
    sign_in(page, url, "wang", password, "/tasks")
    box = page.locator("#cert-box")
    playwright.expect(box).to_be_visible()
    assert str(a.cert_seed) not in page.locator("body").inner_text()
    page.locator("#cert-pick input").click()
    page.get_by_role(
        "option", name="第一周：张卫东与王丽娟 · 张卫东（上次被打到家里，一接就火）（0/1）"
    ).click()
    page.locator("#cert-start").click()
    playwright.expect(page.locator("#cert-notice")).to_contain_text("认证通话已接通")
    page.locator("#cert-text textarea, #cert-text input").first.fill(
        "您好，我是招商银行信用卡中心的小李。"
    )
    page.locator("#cert-send").click()
    playwright.expect(page.locator("#cert-chat")).to_contain_text("招商银行信用卡中心的小李")
    page.locator("#cert-end").click()
    playwright.expect(page.locator("#cert-notice")).to_contain_text("认证通话已结束")
    session = store.sessions("wang")[0]
    assert session["seed"] == a.cert_seed and session["persona"] == "hostile_zhang"
    assert session["id"] in training._certification_sessions()[a.id]
