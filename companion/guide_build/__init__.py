"""Build-time helpers for the member guide: community values, generated pages, figures.

MkDocs loads ``hooks.py`` from ``mkdocs.yml``; everything else here is plain functions the
hooks call and the tests (and the README check) import directly.
"""
