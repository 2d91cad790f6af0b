"""The console notifier: prints each alert readably when no chat channel is configured."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from reviewbot.chat.alerts import format_alert, status_lines
from reviewbot.chat.base import DeliveryError
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.workflow.cards import AlertView

if TYPE_CHECKING:
    from reviewbot.workflow.thanks import View as BatchView

NOTICE_TITLES = {"info": "通知", "warning": "提醒", "critical": "紧急通知"}
AUDIENCES = {"owner": "店主", "manager": "店长", "staff": "店员"}

_BOLD, _RED, _YELLOW, _DIM, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"


class ConsoleNotifier:
    name = "console"

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        color: bool | None = None,
        timezone: str = "Asia/Shanghai",
        image_dir: str | Path = "reviewbot-data/images",
    ) -> None:
        self.stream = stream or sys.stdout
        self.image_dir = Path(image_dir)
        self.color = self.stream.isatty() if color is None else color
        self.timezone = timezone
        self.sent = 0

    def render(self, view: AlertView) -> str:
        lines = format_alert(view)
        urgent = view.severity in ("high", "critical") or view.malicious
        out = []
        for label, value in lines:
            if label == "title":
                bar = f"━━━ {value} ━━━"
                out.append(self._paint(bar, _BOLD + (_RED if urgent else _YELLOW)))
            elif label == "meta":
                out.append(self._paint(value, _DIM))
            else:
                indented = value.replace("\n", "\n" + " " * 4)
                out.append(f"{self._paint(label + '：', _BOLD)}{indented}")
        return "\n".join(out) + "\n"

    def _paint(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.color else text

    def render_notice(self, notice: Notice) -> str:
        to = AUDIENCES[notice.audience]
        title = f"━━━ {NOTICE_TITLES[notice.level]} · {notice.store_name} · 致{to} ━━━"
        style = _BOLD + (_RED if notice.level == "critical" else _YELLOW)
        return f"{self._paint(title, style)}\n{notice.text}\n"

    def _write(self, text: str) -> dict[str, Any]:
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError) as exc:  # closed or broken stream
            raise DeliveryError(f"console output failed: {exc}") from exc
        self.sent += 1
        return {"console": self.sent}

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        return self._write(self.render(alert))

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        lines = status_lines(alert)
        if lines:
            head = self._paint(f"[评价 #{alert.review_id} · {alert.store_name}]", _DIM)
            self._write(f"{head} " + "；".join(lines))
        return ref

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        return ref  # /thanks pages exist only in chat apps

    async def send_notice(self, notice: Notice) -> dict[str, Any]:
        return self._write(self.render_notice(notice))

    async def send_image(self, picture: Picture) -> dict[str, Any]:
        """A terminal cannot show the chart: write it to the image directory, print where."""
        path = self.image_dir / Path(picture.filename).name
        try:
            self.image_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(picture.image)
        except OSError as exc:
            raise DeliveryError(f"could not write {path}: {exc}") from exc
        title = self._paint(f"━━━ {picture.caption.splitlines()[0]} ━━━", _BOLD + _YELLOW)
        body = "\n".join(
            picture.caption.splitlines()[1:] + ([picture.text] if picture.text else [])
        )
        ref = self._write(f"{title}\n{body}\n{self._paint(f'图表：{path.resolve()}', _DIM)}\n")
        return {**ref, "image": str(path.resolve())}
