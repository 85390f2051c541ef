"""Who receives which findings: one digest per `[[email.route]]`, and the default digest
(to `email.recipients`) for every finding no route takes.

A finding several routes take goes to each of them; the default digest only ever
carries what no route claimed, so nothing is lost and no office reads another's work.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import DEFAULT_ROUTE, Agency, Config, Route


@dataclass(frozen=True)
class Audience:
    """The recipients of one digest and the filter that picks its findings.

    `route` None with `routes` given: the default digest, which takes what none of them
    takes. `route` None and no `routes`: everything (a dry run, the demo).
    """

    name: str
    recipients: tuple[str, ...]
    route: Route | None = None
    routes: tuple[Route, ...] = ()

    def takes(self, agency: Agency | None, severity: str) -> bool:
        if self.route is not None:
            return self.route.takes(agency, severity)
        return not any(r.takes(agency, severity) for r in self.routes)

    def shows(self, agency: Agency | None) -> bool:
        """Whether the publication chart counts `agency`: a route its own agencies, the default all."""
        return self.route is None or self.route.covers(agency)

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_ROUTE


def audiences(config: Config) -> tuple[Audience, ...]:
    """Every route's audience, then the default one (left out when routes exist and
    `email.recipients` is empty: then every finding no route takes goes unsent)."""
    routes = config.email.route
    out = [Audience(r.name, r.recipients, r) for r in routes]
    if config.email.recipients or not routes:
        out.append(Audience(DEFAULT_ROUTE, config.email.recipients, routes=routes))
    return tuple(out)


def everyone(config: Config) -> Audience:
    """One audience for every finding, to the default recipients: what a dry run shows."""
    return Audience(DEFAULT_ROUTE, config.email.recipients)
