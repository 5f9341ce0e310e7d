"""The write limit for people: a token bucket per actor."""

from __future__ import annotations

from services.common import auth
from services.common import errors as e
from services.common.rate_limit import TokenBuckets, is_write
from services.common.settings import Settings


class WriteLimit:
    def __init__(self, settings: Settings) -> None:
        self._buckets = TokenBuckets(settings.write_rate_per_minute, settings.write_burst)

    def check(self, principal: auth.Principal, method: str) -> None:
        """Raises ResourceExhausted when a person sends writes faster than the limit.
        Integrations (service tokens) are trusted and batch their writes."""
        if principal.role == "service" or not is_write(method):
            return
        if not self._buckets.allow(principal.actor):
            raise e.ResourceExhausted(
                e.t(
                    "U heeft in korte tijd te veel wijzigingen gestuurd. Wacht een minuut en probeer het opnieuw.",
                    "You sent too many changes in a short time. Wait a minute and try again.",
                )
            )
