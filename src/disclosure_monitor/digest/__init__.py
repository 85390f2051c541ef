"""The weekly digest: build it from the store (`build`), deliver it exactly once (`send`)."""

from .build import Digest, build_digest, period_of
from .send import DeliveryResult, SmtpFailed, deliver, idempotency_key, message_for, send_message, write_digest

__all__ = [
    "DeliveryResult",
    "Digest",
    "SmtpFailed",
    "build_digest",
    "deliver",
    "idempotency_key",
    "message_for",
    "period_of",
    "send_message",
    "write_digest",
]
