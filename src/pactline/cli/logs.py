"""Structured (one JSON object per line) logging for the server and the worker."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = {*vars(logging.makeLogRecord({})), "color_message"}
_QUIET = ("alembic", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in _QUIET:  # their INFO lines repeat what pactline.http already logs
        logging.getLogger(name).setLevel(logging.WARNING)
