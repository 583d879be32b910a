"""newsbot: the running bot (sources, storage, scheduling, commands, platform adapters)."""
