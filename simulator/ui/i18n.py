"""gradio's own words in Chinese: the few its Simplified Chinese translation lacks.

gradio translates its buttons, upload hints and sign-in form by the browser's language; a
browser set to Chinese (``zh-CN``) gets its ``zh-CN`` dictionary. That dictionary misses a few
entries, which then show in English (the footer's "Runs", the recorder's "Record"). They are
supplied here and merged by gradio's front end (``launch(i18n=...)``); our own labels are
Chinese already and need no translation.

The sign-in form's error (``login.incorrect_credentials``, 凭据不正确 in gradio's ``zh-CN``)
cannot be reworded here: gradio 6.31 serves the sign-in page a config without the app's
translations (``routes.py``, the ``auth_required`` config), so an entry for it is never read.
"""

from __future__ import annotations

import gradio as gr

__all__ = ["TOAST_CSS", "ZH_CN", "gradio_i18n"]

ZH_CN = {
    "audio.recording_error": "无法开始麦克风录音。",
    "chatbot.complete": "完成",
    "chatbot.copy_message": "复制消息",
    "chatbot.copied_message": "已复制消息",
    "common.download_all": "全部下载",
    "common.runs": "运行记录",
    "common.runs_description": "查看此浏览器中保存的运行记录",
    "common.back_to_app": "返回应用",
    "common.back_to_app_description": "回到应用页面",
    "common.progress": "进度",
    "common.record": "录音",
    "common.stop_recording": "停止录音",
    "common.run": "运行",
    "common.screen_studio": "屏幕录制",
    "common.share_gradio_tab": "分享标签页",
    "common.complete": "完成",
    "common.upload": "上传",
    "common.video": "视频",
    "common.webcam": "摄像头",
    "dataframe.filter": "筛选",
    "dataframe.clear_filter": "清除筛选",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
}
"""gradio 6's keys missing from its ``zh-CN`` dictionary, as far as our pages use them (checked
against gradio 6.31; ``common.complete`` is missing from its English one too)."""


def gradio_i18n() -> gr.I18n:
    """The translations to pass to ``launch(i18n=...)``."""
    return gr.I18n(**{"zh-CN": ZH_CN})


TOAST_CSS = """
/* gradio 6 titles its toasts with their English type ("Error") and offers no translation; the
   app's toasts are notices (a refusal, a missing choice), so they are headed 提示. */
.toast-title.error, .toast-title.warning, .toast-title.info { font-size: 0 !important; }
.toast-title.error::before, .toast-title.warning::before, .toast-title.info::before {
  content: "提示";
  font-size: var(--text-md);
}
"""
"""CSS for ``launch(css=...)``: the toasts' English headings replaced by 提示."""
