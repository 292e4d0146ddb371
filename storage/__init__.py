"""Convener's headless core: the database, imports, queries and exports.

Nothing in this package imports Textual or `tui`; the TUI and the command line both sit on it.
"""
