"""Wiring the studio and review pages, and sign-in and sign-out, into the app.

``build_app`` calls :func:`mount` after its main ``with gr.Blocks() as demo:`` block and passes
:func:`launch_kwargs` to ``launch``; both read the accounts in the services' database, so the
pages and the sign-in agree on who exists. Once accounts exist every page's navigation bar
ends with 退出登录 (:func:`sign_out_link`): training rooms share PCs.

The staff pages (训练师工作台, 培训计划) are then left out of gradio's own list of pages and
added to each page's bar only for the people whose role opens them (:func:`nav_links`): a
trainee sees 通话练习, 通话复盘 (their own calls), 我的任务 and 退出登录, nothing else. The pages
still refuse anyone without the role who types their address.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from simulator.accounts.auth import Auth
from simulator.accounts.users import Users
from simulator.services import Services
from simulator.ui import programme, review, studio, tasks

__all__ = [
    "MAIN_PAGE",
    "SIGN_OUT",
    "STAFF_PAGES",
    "auth_for",
    "launch_kwargs",
    "mount",
    "nav_links",
    "sign_out_link",
]

MAIN_PAGE = "通话练习"
SIGN_OUT = ("退出登录", "logout?all_session=false")
"""gradio's own ``/logout``: clears this browser's sign-in cookie and shows the sign-in form.
``all_session=false`` keeps the same person signed in on other PCs; the session guard drops this
browser's token on the server as well (:class:`simulator.accounts.middleware.SessionGuard`)."""


STAFF_PAGES = (
    ("训练师工作台", "studio", ("trainer",)),
    ("培训计划", "programme", ("trainer", "manager")),
)
"""(name, path, roles that open it): the pages only staff see in the navigation bar."""


def nav_links(auth: Auth, request: Any) -> list[tuple[str, str]]:
    """The links a person's bar adds to gradio's pages: the staff pages they may open, 退出登录.

    Nobody signed in (or an account since removed) gets 退出登录 only.
    """
    staff = [
        (name, path)
        for name, path, roles in STAFF_PAGES
        if any(auth.may(request, role) for role in roles)
    ]
    return [*staff, SIGN_OUT]


def sign_out_link(auth: Auth) -> gr.Navbar | None:
    """The page's navigation bar, for the person reading it (call it inside the page's Blocks).

    It ends with 退出登录 and, for staff, links to the staff pages (:func:`nav_links`), filled
    in when the page loads. Without accounts there is nobody to sign out and everyone holds
    every role: the bar stays as gradio makes it, every page listed.
    """
    if not auth.enabled:
        return None
    from gradio.context import Context

    bar = gr.Navbar(value=[SIGN_OUT], main_page_name=MAIN_PAGE, elem_id="navbar")

    def links(request: gr.Request):
        return nav_links(auth, request)

    Context.root_block.load(links, None, bar, api_visibility="private", queue=False)
    return bar


def auth_for(services: Services) -> Auth:
    """The sign-in and role checks over the accounts in the services' database."""
    return Auth(Users(services.store))


def mount(demo: gr.Blocks, services: Services, auth: Auth | None = None) -> Auth:
    """Add 训练师工作台 (/studio), 通话复盘 (/review), 我的任务 (/tasks) and 培训计划 (/programme).

    Returns the auth used.

    Call it outside any ``with demo:`` block (gradio's ``route`` requires that).
    """
    auth = auth or auth_for(services)
    # with accounts, the staff pages reach the bar only through nav_links, per person
    listed = not auth.enabled
    with demo.route("训练师工作台", "/studio", show_in_navbar=listed):
        sign_out_link(auth)
        studio.build(services, auth)
    with demo.route("通话复盘", "/review"):
        sign_out_link(auth)
        review.build(services, auth)
    with demo.route("我的任务", "/tasks"):
        sign_out_link(auth)
        tasks.build(services, auth)
    with demo.route("培训计划", "/programme", show_in_navbar=listed):
        sign_out_link(auth)
        programme.build(services, auth)
    return auth


def launch_kwargs(auth: Auth) -> dict[str, Any]:
    """``launch`` keyword arguments: sign-in when accounts exist, nothing otherwise."""
    return auth.launch_kwargs()
