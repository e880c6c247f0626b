"""Structured logs: every line carries the collectivity (schema) it was written for."""

import structlog


def add_collectivity(_logger, _method, event_dict):
    try:
        from django.db import connection  # noqa: PLC0415  (settings import this module)

        schema = getattr(connection, "schema_name", None)
    except Exception:  # noqa: BLE001 — logging must never fail (e.g. at interpreter exit)
        schema = None
    event_dict.setdefault("collectivity", schema)
    return event_dict


SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    add_collectivity,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    structlog.configure(
        processors=[*SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(*, fmt: str, level: str) -> dict:
    configure_structlog()
    renderer = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": SHARED_PROCESSORS,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default handlers for its loggers, which would print every line twice.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django.db.backends": {"level": "WARNING"},
            "django.server": {"level": "INFO"},
            "pgserver": {"level": "WARNING"},
        },
    }
