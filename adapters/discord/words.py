"""The Discord adapter's own words (platform troubles), from the message catalogue."""

from __future__ import annotations

from bot.core.messages import t

DMS_CLOSED = t("platform.discord.dms_closed")
MISSING_PERMISSIONS = t("platform.discord.missing_permissions")
FORM_TOO_LATE = t("platform.form_too_late")
DONE = t("platform.done")
FAILED = t("platform.failed")
