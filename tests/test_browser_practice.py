"""A whole practice call in a real headless Chromium: fake microphone, typing, scorecard.

Screenshots go to ``test-artifacts/`` (gitignored) for a person to look at. Skips on a machine
without ``/usr/bin/chromium`` unless ``CI`` is set, where it must run.
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.fixtures.fakes import SPOKEN_LINE, FakeASR, make_services
from tests.fixtures.server import serve
from tests.fixtures.speech import speech_wav

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="no /usr/bin/chromium (browser tests always run when CI is set)",
    ),
]

VERIFY = "请问是何静女士本人吗？麻烦报一下身份证后四位。"
THREAT = "你再不还钱就等着坐牢吧，我们会找人去你家。"


@pytest.fixture
def browser(tmp_path):
    from playwright.sync_api import sync_playwright

    wav = speech_wav(tmp_path / "speech.wav")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={wav}",
                "--disable-background-networking",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield b
        b.close()


def wait_for_turns(store, n, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        [row] = store.sessions()
        turns = store.session(row["id"])["turns"]
        if len(turns) >= n or time.monotonic() > deadline:
            assert len(turns) >= n, turns
            return turns
        time.sleep(0.1)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"practice-{name}.png"), full_page=True)


def test_a_whole_call_by_voice_and_text_ends_in_a_scorecard(browser, tmp_path):
    from playwright.sync_api import expect

    asr = FakeASR()
    services = make_services(tmp_path / "data", asr=asr)
    with serve(services) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(url)
        expect(page.locator("#start-call")).to_be_visible(timeout=30_000)
        shot(page, "1-choose")

        # The card of 何静 (异议型) and a fixed seed, as an exam would.
        card = page.locator(".panel, [class*=panel]").filter(has_text="何静").first
        card.get_by_role("button", name="选这位").click()
        expect(page.get_by_text("已选：何静")).to_be_visible()
        page.get_by_text("考试设置").click()
        page.get_by_label("随机种子（留空为随机）").fill("7")
        page.locator("#start-call").click()

        transcript = page.locator("#transcript")
        status = page.locator("#status textarea, #status input").first
        expect(transcript.locator(".message, [data-testid=bot]").first).to_be_visible()
        expect(status).to_have_value(re.compile("等待您说话|对方说话中"), timeout=15_000)
        shot(page, "2-call")

        # One turn through the fake microphone, recognised by the fake ASR.
        mic = page.locator("#mic")
        mic.get_by_role("button", name="录制").click()
        page.wait_for_timeout(2500)
        mic.get_by_role("button", name="停止").click()
        expect(transcript).to_contain_text(SPOKEN_LINE, timeout=20_000)
        wait_for_turns(services.store, 3)
        assert len(asr.received) == 1

        # Two typed turns.
        box = page.locator("#say-text textarea")
        for n, line in ((5, VERIFY), (7, THREAT)):
            box.fill(line)
            box.press("Enter")
            expect(transcript).to_contain_text(line, timeout=15_000)
            wait_for_turns(services.store, n)
        # The customer's answer to the last line, as stored, is on the page.
        last = wait_for_turns(services.store, 7)[-1]
        assert last["speaker"] == "customer"
        expect(transcript).to_contain_text(last["text"], timeout=15_000)
        clock = page.locator("#clock textarea, #clock input").first
        assert re.fullmatch(r"\d\d:\d\d", clock.input_value()) and clock.input_value() != "00:00"
        shot(page, "3-talking")

        page.locator("#hang-up").click()
        scorecard = page.locator("#scorecard")
        expect(scorecard).to_contain_text("总分", timeout=20_000)
        expect(scorecard).to_contain_text("合规")
        violations = page.locator("#violations")
        expect(violations).to_contain_text("我们会找人去你家")
        shot(page, "4-scorecard")

        # Clicking a violation shows that line in the transcript.
        violations.get_by_text("威胁恐吓").first.click()
        expect(page.locator("#violation-context")).to_contain_text(THREAT)
        expect(page.locator("#result-transcript mark")).to_contain_text(THREAT)
        shot(page, "5-violation")

        # The history tab lists the call with its score.
        page.get_by_role("tab", name="我的记录").click()
        expect(page.locator("#history")).to_contain_text("何静", timeout=15_000)
        expect(page.locator("#history")).to_contain_text("未通过")
        page.locator("#history").get_by_test_id("cell-0-2").click()
        expect(page.locator("#history-scorecard")).to_contain_text("总分", timeout=15_000)
        shot(page, "6-history")
    services.store.close()
