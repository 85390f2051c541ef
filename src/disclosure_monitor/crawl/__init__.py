"""The crawler: fetch (politeness, robots, conditional GET), discover (listing shapes),
select (which item is whose report of which year) and run (one cycle into the store)."""

from .fetch import Fetched, Fetcher, FetchStats
from .run import STATES, Outcome, RunSummary, crawl, wanted_years

__all__ = ["STATES", "FetchStats", "Fetched", "Fetcher", "Outcome", "RunSummary", "crawl", "wanted_years"]
