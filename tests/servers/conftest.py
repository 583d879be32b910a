"""Fixtures for the loopback fakes live in tests/conftest.py, shared with tests/bot."""
