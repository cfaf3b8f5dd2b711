"""A manager in a real Chromium: sign in, filter, open a call, hear it, override, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .fixtures.browser import ARTIFACTS, SCREENSHOTS, chromium_page, need_chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

need_chromium()

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def app(store):
    from simulator.accounts.users import Users

    from .test_auth_api import PASSWORD, build_demo, free_port, make_services
    from .test_review import seed_calls

    ids = seed_calls(store)
    Users(store).add("boss", ["manager"], PASSWORD)
    Users(store).add("wang", ["trainee"], PASSWORD)
    demo, auth = build_demo(make_services(store))
    _, url, _ = demo.launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=free_port(),
        quiet=True,
        **auth.launch_kwargs(),
    )
    yield url.rstrip("/"), ids, PASSWORD
    demo.close()


@pytest.fixture
def page():
    with chromium_page() as pg:
        yield pg


def test_manager_filters_opens_hears_overrides_and_exports(app, page, store):
    url, ids, password = app
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, url, "boss", password, "/review")
    page.get_by_text("共 3 通电话").wait_for()
    page.get_by_text("当前用户：").wait_for()
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "review-calls.png", full_page=True)

    # filter: from 11-21, failed calls only -> wang's cooperative_wang call
    page.get_by_label("开始日期").fill("2026-11-21")
    page.get_by_label("未通过").check()
    page.locator("#review-search").click()
    page.get_by_text("共 1 通电话").wait_for()
    page.screenshot(path=ARTIFACTS / "review_1_filtered.png", full_page=True)
    assert page.get_by_test_id("cell-0-0").inner_text().strip() == ids["b"]

    # open it
    page.get_by_test_id("cell-0-0").click()
    page.get_by_role("tab", name="通话详情").click()
    page.locator("#review-open").click()
    transcript = page.locator("#review-transcript")
    transcript.get_by_text("违规：威胁恐吓（严重）").first.wait_for()
    # Chinese names everywhere a person reads: no criterion ids, severities or UTC offsets
    summary = page.locator("#review-summary").inner_text()
    assert "王丽娟（忘记还款）" in summary and "2026-11-21 15:00" in summary
    assert "+08:00" not in summary and "+00:00" not in summary
    card = page.locator("#review-scorecard").inner_text()
    assert "self_intro" not in card and "critical" not in transcript.inner_text()
    # each item cites its basis, the Chinese rule from the rubric, as the practice scorecard does
    header = page.locator("#review-scorecard th").all_inner_texts()
    assert [h.strip() for h in header] == ["评分项", "结果", "得分", "原话", "依据"]
    assert "中国银行业协会催收工作指引" in page.locator("#review-scorecard td").last.inner_text()
    # customers and rubrics by name, no file ids
    assert "cooperative_wang" not in summary and "cn_card_collection" not in card
    assert "信用卡催收通话评分标准（默认）" in card
    # the <script> in the transcript is shown as text, not run
    assert '<script>alert("x")</script>' in transcript.inner_text()
    assert transcript.locator("script").count() == 0
    assert transcript.locator("img").count() == 0
    # the recorded turn is playable
    page.locator("#review-audio audio").first.wait_for(state="attached")
    assert page.locator("#review-mood svg polyline").count() == 3
    page.screenshot(path=SCREENSHOTS / "review-call.png", full_page=True)

    # override with a reason
    page.get_by_label("新分数").fill("65")
    page.locator("#review-reason textarea, #review-reason input").first.fill("录音显示并无威胁")
    page.get_by_label("判定通过").check()
    page.locator("#review-override").click()
    page.get_by_test_id("cell-0-2").get_by_text("改分 40→65，通过 否→是").wait_for()
    assert page.locator("#review-audit").get_by_test_id("cell-0-1").inner_text().strip() == "boss"
    page.locator("#review-scorecard").get_by_text("主管改分：65").wait_for()
    page.screenshot(path=ARTIFACTS / "review_3_overridden.png", full_page=True)
    assert [s["overall"] for s in store.scores(ids["b"])] == [40]  # computed score kept

    # export the filtered table
    page.get_by_role("tab", name="通话列表").click()
    page.get_by_label("未通过").check()
    page.get_by_label("通过", exact=True).check()  # the override made it a pass
    page.locator("#review-search").click()
    page.get_by_text("共 2 通电话").wait_for()
    page.locator("#review-export").click()
    link = page.locator("#review-csv a").first
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["通话编号"] for r in rows} == {ids["b"], ids["c"]}
    row_b = next(r for r in rows if r["通话编号"] == ids["b"])
    assert row_b["系统评分"] == "40" and row_b["最终评分"] == "65" and row_b["主管改分"] == "是"
    page.screenshot(path=ARTIFACTS / "review_4_exported.png", full_page=True)
    assert dialogs == []


def test_a_trainee_sees_only_their_own_calls_and_no_review_controls(app, page):
    url, ids, password = app
    sign_in(page, url, "wang", password, "/review")
    page.get_by_text("共 2 通电话").wait_for()
    page.get_by_text("您只能查看自己的通话").wait_for()
    cells = {page.get_by_test_id(f"cell-{i}-2").inner_text().strip() for i in range(2)}
    assert cells == {"wang"}
    page.get_by_role("tab", name="通话详情").click()
    assert page.get_by_text("主管复核").count() == 0
    page.screenshot(path=ARTIFACTS / "review_5_trainee.png", full_page=True)


def test_a_row_click_opens_the_call_and_an_override_applies_to_the_call_shown(app, page, store):
    """#15: a clicked row shows its call; picking another without opening changes nothing."""
    from simulator.review_store import ReviewStore

    url, ids, password = app
    sign_in(page, url, "boss", password, "/review")
    page.get_by_text("共 3 通电话").wait_for()
    # newest first: li's call, then wang's two; click wang's cooperative_wang call (b)
    assert page.get_by_test_id("cell-1-0").inner_text().strip() == ids["b"]
    page.get_by_test_id("cell-1-0").click()
    summary = page.locator("#review-summary")
    playwright.expect(summary).to_contain_text(ids["b"])  # opened, on the detail tab
    playwright.expect(summary).to_contain_text("王丽娟（忘记还款）")
    assert summary.is_visible()
    page.locator("#review-transcript").get_by_text("违规：威胁恐吓（严重）").first.wait_for()
    # pick another call in the dropdown but do not open it
    page.locator("#review-pick input").click()
    page.get_by_role("option").nth(2).click()
    page.get_by_label("新分数").fill("55")
    page.locator("#review-reason textarea, #review-reason input").first.fill("复核")
    page.locator("#review-override").click()
    page.locator("#review-audit").get_by_test_id("cell-0-2").get_by_text("改分 40→55").wait_for()
    reviews = ReviewStore(store)
    assert len(reviews.history(ids["b"])) == 1
    assert reviews.history(ids["a"]) == []  # the picked, unseen call is untouched
