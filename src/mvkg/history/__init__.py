"""Compliance snapshots and their explained differences."""
