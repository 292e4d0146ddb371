"""Snapshot tests use the same app factory, frozen clock and sample database as the Pilot tests."""

from tests.tui.conftest import db_path, make_app, quetta_time, sample_db  # noqa: F401
