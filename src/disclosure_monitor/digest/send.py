"""Deliver the digests by SMTP, exactly once per period, route and recipient list.

Each route (and the default digest) is delivered on its own: the `digests` row is
written before sending and marked sent only after the server accepted the message; a
failed send leaves that route's row pending, the other routes go out regardless, and
the next attempt (the same week's retry, or next week's digest, which then says it
stands in for the missed one) delivers only what is still pending. The password comes
from the environment only and is never logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from ..config import DEFAULT_ROUTE, Config, EmailSettings
from ..errors import ConfigError, MonitorError
from ..log import event
from ..store import Store
from .build import Digest, build_digest, period_of
from .routing import Audience, audiences

log = logging.getLogger(__name__)

RETRY_DELAYS: tuple[float, ...] = (2.0, 10.0)  # seconds before the 2nd and the 3rd attempt
TIMEOUT = 30.0


class SmtpFailed(MonitorError):
    """The SMTP server did not accept the digest; it stays pending."""


@dataclass(frozen=True)
class DeliveryResult:
    status: str  # sent | already_sent | failed
    digest_id: int | None
    period: str
    sent_at: str | None
    covers: tuple[str, ...] = ()  # earlier undelivered periods this message stood in for
    refused: tuple[str, ...] = ()  # recipients the server refused while accepting the others
    digest: Digest | None = None  # what was sent; None when it had gone already
    route: str = DEFAULT_ROUTE
    recipients: tuple[str, ...] = ()
    error: str | None = None  # why a failed one failed; it stays pending


def idempotency_key(period: str, recipients: Sequence[str], route: str = DEFAULT_ROUTE) -> str:
    """period + route + recipient list: the same week never goes twice to the same office."""
    return f"{period}|{route}|{','.join(sorted({r.strip().lower() for r in recipients}))}"


def message_for(digest: Digest, email: EmailSettings) -> EmailMessage:
    """One multipart/alternative message: the plain-text part, then the HTML part."""
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = email.sender
    msg["To"] = ", ".join(digest.recipients or email.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("digest", domain=email.sender.rpartition("@")[2] or None)
    msg["X-Disclosure-Monitor-Period"] = digest.period
    msg["X-Disclosure-Monitor-Route"] = digest.route
    msg.set_content(digest.text, charset="utf-8")
    msg.add_alternative(digest.html, subtype="html", charset="utf-8")
    return msg


def _connect(email: EmailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if email.security == "ssl":
        return smtplib.SMTP_SSL(email.smtp_host, email.smtp_port, timeout=TIMEOUT, context=context)
    smtp = smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=TIMEOUT)
    if email.security == "starttls":
        smtp.starttls(context=context)
    return smtp


def _permanent(error: Exception) -> bool:
    """A 5xx answer, every recipient refused or no AUTH offered: trying again in seconds will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPNotSupportedError):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_message(
    msg: EmailMessage,
    email: EmailSettings,
    delays: Sequence[float] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str, ...]:
    """Hand `msg` to the server, retrying transient failures after `delays` (default RETRY_DELAYS).

    Returns the recipients the server refused while accepting the message for the others;
    raises SmtpFailed when it did not accept the message at all.
    """
    delays = RETRY_DELAYS if delays is None else delays
    where = {"host": email.smtp_host, "port": email.smtp_port, "security": email.security}
    for attempt, delay in enumerate((0.0, *delays), start=1):
        sleep(delay)
        try:
            with _connect(email) as smtp:
                if email.username:
                    smtp.login(email.username, email.password or "")
                refused = smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as e:
            event(log, "smtp_failed", logging.WARNING, attempt=attempt, error=f"{type(e).__name__}: {e}", **where)
            if _permanent(e) or attempt > len(delays):
                raise SmtpFailed(f"{email.smtp_host}:{email.smtp_port} did not accept the digest: {e}") from e
            continue
        event(log, "smtp_accepted", attempt=attempt, refused=",".join(refused) or None, **where)
        return tuple(refused)
    raise AssertionError("unreachable: the last attempt returns or raises")


Sender = Callable[[EmailMessage, EmailSettings], tuple[str, ...]]


def deliver(
    store: Store,
    config: Config,
    today: date,
    lang: str | None = None,
    send: Sender = send_message,
    only: Collection[str] | None = None,
) -> list[DeliveryResult]:
    """Send this week's digest of every route (or of the routes named in `only`) and of
    the default recipients, each unless it already went; `lang` defaults to email.lang.

    One route's failure neither stops nor repeats the others: it comes back as a result
    with status "failed" and stays pending.

    Routes go by each agency's region and kind as the configuration says now: its roster is
    read into the store first (nothing to do when the file is the one the last run read).
    """
    store.sync_roster(config.agencies)
    results = []
    for audience in audiences(config):
        if only is not None and audience.name not in only:
            continue
        try:
            results.append(deliver_to(store, config, audience, today, lang or config.email.lang, send))
        except SmtpFailed as e:
            event(log, "digest_failed", logging.WARNING, route=audience.name, period=period_of(today), error=str(e))
            results.append(
                DeliveryResult("failed", None, period_of(today), None, route=audience.name, recipients=audience.recipients, error=str(e))
            )
    return results


def deliver_to(store: Store, config: Config, audience: Audience, today: date, lang: str, send: Sender = send_message) -> DeliveryResult:
    """Build this week's digest for `audience` and send it unless it already went to them.

    Earlier periods still pending for the same route and recipients are carried by this
    message and marked sent with it. Raises SmtpFailed (nothing marked sent) when the
    server does not accept it.
    """
    recipients, route = audience.recipients, audience.name
    if not recipients:
        raise ConfigError(f"{config.path}: email.recipients is empty; there is nobody to send the digest to")
    period = period_of(today)
    key = idempotency_key(period, recipients, route)
    done = store.digest_by_key(key)
    if done and done["sent_at"]:
        event(log, "digest_already_sent", route=route, period=period, digest=done["id"], sent_at=done["sent_at"])
        return DeliveryResult("already_sent", done["id"], period, done["sent_at"], route=route, recipients=recipients)
    suffix = key.partition("|")[2]
    pending = [d for d in store.pending_digests() if d["idempotency_key"].partition("|")[2] == suffix and d["period"] < period]
    covers = tuple(d["period"] for d in pending)
    digest = build_digest(store, config, today, lang, covers=covers, audience=audience)
    row = store.add_digest(key, period=period, route=route, recipients=recipients, finding_ids=digest.finding_ids)
    store.set_digest_findings(row["id"], digest.finding_ids)
    event(log, "digest_sending", route=route, period=period, digest=row["id"], findings=len(digest.finding_ids), covers=",".join(covers) or None)
    refused = send(message_for(digest, config.email), config.email)
    for digest_id in (row["id"], *(d["id"] for d in pending)):
        store.mark_digest_sent(digest_id)
    sent = store.digest_by_key(key)
    event(log, "digest_sent", route=route, period=period, digest=row["id"], sent_at=sent["sent_at"])
    return DeliveryResult("sent", row["id"], period, sent["sent_at"], covers, refused, digest, route, recipients)


def write_digest(digest: Digest, email: EmailSettings, path: Path) -> None:
    """`.html`: the HTML part alone, to open in a browser; `.eml`: the whole message."""
    if path.suffix == ".html":
        path.write_text(digest.html, encoding="utf-8")
    elif path.suffix == ".eml":
        path.write_bytes(message_for(digest, email).as_bytes())
    else:
        raise MonitorError(f"{path}: --out takes a .html or an .eml file")
