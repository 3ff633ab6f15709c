"""Opt-in online geocoding for names nothing local knows: any geopy geocoder by name (Nominatim
by default), rate-limited with geopy's RateLimiter, answers (and misses) cached on disk in
user_home()/online-cache.json. Places found this way have source "online".

Off unless asked: `geocode --online`, or SITREP_MAP_ONLINE=1 (or a geopy service name) for
every command; SITREP_MAP_ONLINE_OPTIONS is JSON passed to the geocoder (domain, scheme, api_key).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import normalize
from .admin import admin1_for
from .sources import Place, user_home

SYRIA_BOX = (32.3, 35.6, 37.4, 42.4)   # lat/lon bounds: answers outside are dropped
MIN_DELAY = 1.0                         # seconds between requests (Nominatim's usage policy)


class OnlineLookup:
    def __init__(self, service: str = "nominatim", min_delay: float = MIN_DELAY,
                 cache: Path | None = None, **options):
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import get_geocoder_for_service
        options.setdefault("user_agent", "sitrep-map (https://github.com/sitrep-map)")
        self.service = service
        self.geocoder = get_geocoder_for_service(service)(**options)
        self.call = RateLimiter(self.geocoder.geocode, min_delay_seconds=min_delay, max_retries=1,
                                swallow_exceptions=False)
        self.cache_path = cache or user_home() / "online-cache.json"
        self.cache: dict = json.loads(self.cache_path.read_text(encoding="utf-8")) \
            if self.cache_path.exists() else {}
        self.requests = 0

    def lookup(self, name: str) -> Place | None:
        k = f"{self.service}|{normalize.key(name)}"
        if k not in self.cache:
            kwargs = {"country_codes": "sy"} if self.service == "nominatim" else {}
            self.requests += 1
            loc = self.call(f"{name}, Syria", **kwargs)
            hit = loc and SYRIA_BOX[0] <= loc.latitude <= SYRIA_BOX[2] \
                and SYRIA_BOX[1] <= loc.longitude <= SYRIA_BOX[3]
            self.cache[k] = {"lat": loc.latitude, "lon": loc.longitude, "address": loc.address} \
                if hit else None
            self._save()
        got = self.cache[k]
        if got is None:
            return None
        return Place(id="online-" + hashlib.sha1(k.encode()).hexdigest()[:12], name=name,
                     lat=got["lat"], lon=got["lon"], feature_class="P", feature_code="PPL",
                     country="SY", admin1=admin1_for([got["lat"]], [got["lon"]])[0], admin2="",
                     population=0, source="online", names=(name, got["address"]))

    def _save(self) -> None:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.cache, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, self.cache_path)


def from_env(service: str | None = None) -> OnlineLookup | None:
    """The lookup the environment (or a --online flag) asks for, else None."""
    want = service or os.environ.get("SITREP_MAP_ONLINE", "")
    if want.lower() in ("", "0", "no", "false", "off"):
        return None
    options = json.loads(os.environ.get("SITREP_MAP_ONLINE_OPTIONS") or "{}")
    delay = float(options.pop("min_delay", MIN_DELAY))
    return OnlineLookup("nominatim" if want.lower() in ("1", "yes", "true", "on") else want,
                        delay, **options)
