"""The weekly digest: build it from the store (`build`), deliver it exactly once (`send`)."""

from .build import Digest, build_digest, period_of
from .routing import Audience, audiences, everyone
from .send import DeliveryResult, SmtpFailed, deliver, deliver_to, idempotency_key, message_for, send_message, write_digest

__all__ = [
    "Audience",
    "DeliveryResult",
    "Digest",
    "SmtpFailed",
    "audiences",
    "build_digest",
    "deliver",
    "deliver_to",
    "everyone",
    "idempotency_key",
    "message_for",
    "period_of",
    "send_message",
    "write_digest",
]
