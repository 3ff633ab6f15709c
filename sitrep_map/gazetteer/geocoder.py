"""The gazetteer as a geopy Geocoder: works with geopy's RateLimiter, distance and friends.

    from sitrep_map.gazetteer.geocoder import GazetteerGeocoder
    loc = GazetteerGeocoder().geocode("Kfar Nabl", hint="southern Idlib")
    loc.latitude, loc.longitude, loc.raw["admin1"], loc.raw["score"], loc.raw["candidates"]
"""
from __future__ import annotations

from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .resolver import Gazetteer, Match, default_gazetteer, km


def match_raw(m: Match, precision: int = 1) -> dict:
    """A Match as a geopy `raw` dict: the best candidate and the alternatives."""
    d = m.as_dict()
    return {**d, "geo_precision": precision if m.best else None,
            "source": m.best.place.source if m.best else None,
            "feature_class": m.best.place.feature_class if m.best else None,
            "candidates": [c.as_dict() for c in m.candidates]}


class GazetteerGeocoder(Geocoder):
    """Offline geocoder over the local gazetteer; never touches the network."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, resolved_only: bool = True):
        super().__init__(user_agent="sitrep-map")
        self.gazetteer = gazetteer or default_gazetteer()
        self.resolved_only = resolved_only

    def geocode(self, query: str, *, exactly_one: bool = True, hint: str | None = None,
                near: list[tuple[float, float]] | None = None, timeout=None):
        """Location (or a list: best first, then the alternatives), None when nothing matches.
        Unresolved (low-score) matches are returned only with resolved_only=False."""
        if not isinstance(query, str) or not query.strip():
            raise GeocoderQueryError(f"empty place name: {query!r}")
        m = self.gazetteer.resolve(query.strip(), hint, near)
        if not m.best or (self.resolved_only and not m.resolved):
            return None
        raw = match_raw(m)
        best = _location(m.best.place, raw)
        if exactly_one:
            return best
        return [best] + [_location(c.place, {**c.as_dict(), "geo_precision": 1})
                         for c in m.candidates[1:]]

    def reverse(self, query, *, exactly_one: bool = True, limit: int = 5, timeout=None):
        """Nearest places to (lat, lon): Location(s) with distance_km in raw."""
        try:
            lat, lon = (float(v) for v in (query if not isinstance(query, str) else query.split(",")))
        except (TypeError, ValueError) as e:
            raise GeocoderQueryError(f"not a 'lat, lon' pair: {query!r}") from e
        places = [p for p in self.gazetteer.places if p.feature_class != "A"]
        near = sorted(places, key=lambda p: (p.lat - lat) ** 2 + (p.lon - lon) ** 2)[:limit]
        if not near:
            return None
        locs = [_location(p, {"id": p.id, "name": p.name, "admin1": p.admin1, "country": p.country,
                              "distance_km": round(km(lat, lon, p.lat, p.lon), 3), "source": p.source})
                for p in near]
        return locs[0] if exactly_one else locs


def _location(place, raw: dict) -> Location:
    where = ", ".join(x for x in (place.name, place.admin1, place.country) if x)
    return Location(where, (place.lat, place.lon), raw)
