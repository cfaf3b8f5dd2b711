"""Sign-in holds under load: checks off the event loop, repeated failures slowed and said in Chinese.

The backoff rule is tested with a clock the test moves; the HTTP behaviour against a real gradio
server on 127.0.0.1 with sign-in on.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from concurrent.futures import ThreadPoolExecutor

import gradio as gr
import httpx
import pytest

from simulator.accounts.auth import AUTH_MESSAGE, Auth
from simulator.accounts.throttle import NAME_BACKOFF, Backoff, SignInThrottle
from simulator.accounts.users import Users
from tests.fixtures.server import free_port

PASSWORD = "pass-word-1"


class Clock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: SignInThrottle, name: str, address: str = "10.0.0.1", times: int = 1) -> None:
    for _ in range(times):
        assert throttle.admit(name, address) is None
        throttle.settle(name, address, False)


def test_five_failures_lock_the_name_and_each_further_one_doubles_the_wait():
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    fail(throttle, "wang", times=4)
    assert throttle.admit("wang", "10.0.0.1") is None  # the fifth attempt is still answered
    throttle.settle("wang", "10.0.0.1", False)
    refusal = throttle.admit("wang", "10.0.0.1")
    assert (
        refusal.retry_after == 30 and refusal.message == "该账号登录失败次数过多，请 30 秒后再试。"
    )
    clock.now += 30
    fail(throttle, "wang")  # one try after the wait; wrong again
    assert throttle.admit("wang", "10.0.0.1").retry_after == 60
    clock.now += 60
    fail(throttle, "wang")
    refusal = throttle.admit("wang", "10.0.0.1")
    assert refusal.retry_after == 120 and "2 分钟" in refusal.message
    # another name from another address is not affected
    assert throttle.admit("li", "10.0.0.2") is None


def test_the_lockout_is_capped_and_old_failures_are_forgotten():
    rule = Backoff(threshold=2, window=60, base=10, cap=100)
    assert [rule.lockout(n) for n in range(1, 8)] == [0, 10, 20, 40, 80, 100, 100]
    clock = Clock()
    throttle = SignInThrottle(names=rule, clock=clock)
    fail(throttle, "wang", times=2)
    assert throttle.admit("wang", "a") is not None
    clock.now += 61  # both failures are out of the window
    assert throttle.admit("wang", "a") is None
    throttle.settle("wang", "a", False)
    assert throttle.admit("wang", "a") is None  # one failure in the window: below the threshold


def test_a_success_clears_the_name_but_not_the_address():
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    fail(throttle, "wang", times=4)
    assert throttle.admit("wang", "10.0.0.1") is None
    throttle.settle("wang", "10.0.0.1", True)
    fail(throttle, "wang", times=4)  # four more wrong: counting starts again
    assert throttle.admit("wang", "10.0.0.1") is None
    throttle.settle("wang", "10.0.0.1", None)  # neither (a malformed request): not counted
    # the address has 8 failures; 12 more across other names lock it for everyone there
    for i in range(12):
        fail(throttle, f"guess{i}")
    refusal = throttle.admit("li", "10.0.0.1")
    assert refusal.retry_after == 30 and refusal.message.startswith("此网络地址登录失败次数过多")
    assert throttle.admit("li", "10.0.0.9") is None  # from elsewhere li signs in


def test_a_burst_for_one_name_is_cut_at_the_threshold_before_any_answer():
    throttle = SignInThrottle(clock=Clock())
    admitted = [throttle.admit("wang", f"10.0.0.{i}") is None for i in range(12)]
    assert admitted.count(True) == NAME_BACKOFF.threshold
    refusal = throttle.admit("wang", "10.0.0.99")
    assert refusal.retry_after > 0 and "请稍后再试" in refusal.message


# --- through HTTP -------------------------------------------------------------------------------


class RecordingUsers(Users):
    """The real accounts, noting which thread ran each password check."""

    def __init__(self, store):
        super().__init__(store)
        self.threads: list[str] = []

    def sign_in(self, name, password):
        self.threads.append(threading.current_thread().name)
        return super().sign_in(name, password)


@pytest.fixture
def server(store):
    """A real gradio server with sign-in and two accounts: (url, auth)."""
    users = RecordingUsers(store)
    users.add("wang", ["trainee"], PASSWORD)
    users.add("li", ["trainee"], PASSWORD)
    auth = Auth(users)
    with gr.Blocks() as demo:
        gr.Markdown("首页")
    demo.queue()
    demo.launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=free_port(),
        quiet=True,
        **auth.launch_kwargs(),
    )
    yield demo.local_url.rstrip("/"), auth
    demo.close()


def login(url: str, name: str, password: str, *, multipart: bool = False) -> httpx.Response:
    fields = {"username": name, "password": password}
    if multipart:  # what gradio's own sign-in form sends
        return httpx.post(url + "/login", files={k: (None, v) for k, v in fields.items()})
    return httpx.post(url + "/login", data=fields)


def test_repeated_wrong_passwords_get_429_in_chinese_with_retry_after(server):
    url, _ = server
    codes = [
        login(url, "wang", "wrong-password", multipart=i % 2 == 0).status_code for i in range(5)
    ]
    assert codes == [400] * 5
    refused = login(url, "wang", "wrong-password")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "该账号登录失败次数过多，请 30 秒后再试。"}
    assert refused.headers["retry-after"] == "30"
    assert login(url, "wang", PASSWORD, multipart=True).status_code == 429  # even the right one
    assert login(url, "li", PASSWORD).status_code == 200  # another name goes on


def test_sixty_wrong_passwords_at_once_for_one_name_are_checked_five_times(server):
    url, _ = server
    with ThreadPoolExecutor(20) as pool:
        codes = list(
            pool.map(lambda _: login(url, "wang", "wrong-password").status_code, range(60))
        )
    assert codes.count(400) == NAME_BACKOFF.threshold
    assert codes.count(429) == 60 - NAME_BACKOFF.threshold


def test_unreadable_and_oversized_sign_ins(server):
    url, _ = server
    too_big = httpx.post(url + "/login", data={"username": "wang", "password": "x" * 70_000})
    assert too_big.status_code == 413 and too_big.json()["detail"] == "登录请求过大。"
    for _ in range(6):  # gradio refuses a form without a password (422); that is not a failure
        assert httpx.post(url + "/login", data={"username": "wang"}).status_code == 422
    assert login(url, "wang", PASSWORD).status_code == 200


def test_password_checks_run_in_the_hashing_pool_not_on_the_event_loop(server):
    url, auth = server
    check = auth.launch_kwargs()["auth"]
    assert inspect.iscoroutinefunction(check)  # gradio awaits it instead of calling it inline
    assert asyncio.run(check("wang", PASSWORD)) is True
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda n: login(url, n, PASSWORD).status_code, ["wang", "li"] * 2))
    assert codes == [200] * 4
    threads = auth.users.threads
    assert len(threads) == 5 and all(name.startswith("callsim-scrypt") for name in threads)


def test_the_sign_in_page_states_the_rule():
    assert f"连续输错密码 {NAME_BACKOFF.threshold} 次" in AUTH_MESSAGE


def test_every_refused_sign_in_is_one_log_line_with_the_name_never_the_password(server, caplog):
    import logging

    url, _ = server
    caplog.set_level(logging.WARNING, logger="callsim.refused")
    codes = [login(url, "wang", "secret-guess-1").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    assert login(url, "li", PASSWORD).status_code == 200  # a success logs nothing
    lines = [r.getMessage() for r in caplog.records if r.name == "callsim.refused"]
    assert len(lines) == 6
    assert all(line.startswith("refused sign-in by wang from 127.0.0.1") for line in lines)
    assert all("\n" not in line and "secret-guess" not in line for line in lines)
    assert sum("wrong name or password" in line for line in lines) == 5
    assert "throttled for 30 s" in lines[-1]
