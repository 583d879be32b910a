"""Slash commands: one platform-neutral grammar and core handlers; adapters only translate."""
