"""The practice page's browser-side snippets: what the page does without asking the server.

The call timer, the status line's flips (sent, recognising, the customer's audio done) and the
scroll to a flagged line cost the server nothing; each is a gradio ``js=`` function.
"""

from __future__ import annotations

import json

from simulator.ui.call_flow import STATUS

__all__ = ["AUDIO_DONE_JS", "CLOCK_JS", "HEARD_JS", "SCROLL_TO_MARK_JS", "SENT_JS"]

# Client-side only: the call timer and the end of the customer's audio cost the server nothing.
CLOCK_JS = """(t0) => {
  if (!t0) { return "00:00"; }
  const s = Math.max(0, Math.floor(Date.now() / 1000 - t0));
  return String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
}"""
AUDIO_DONE_JS = f"""(s) => s === "{STATUS["speaking"]}" ? "{STATUS["waiting"]}" : s"""
SENT_JS = "() => " + json.dumps(STATUS["speaking"], ensure_ascii=False)
HEARD_JS = "() => " + json.dumps(STATUS["recognising"], ensure_ascii=False)
SCROLL_TO_MARK_JS = """() => {
  const mark = document.querySelector("#result-transcript mark");
  if (mark) { mark.scrollIntoView({behavior: "smooth", block: "center"}); }
}"""
