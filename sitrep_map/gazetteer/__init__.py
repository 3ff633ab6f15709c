"""Gazetteer: sources, normalisation, resolver and the geopy Geocoder facade."""
from .resolver import Candidate, Gazetteer, Match, admin1_of, default_gazetteer, km  # noqa: F401
