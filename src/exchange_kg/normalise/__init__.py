"""Normalisers: raw strings from readers to typed values plus flags.

Each normaliser is a pure function; ``registry.NORMALISERS`` maps the names mapping files use
to them.
"""
