"""sitrep-map: conflict situation reports -> dated, geocoded ACLED-style incidents -> map."""
__version__ = "0.1.0"
