"""Agents: each owns its integrations and offers typed actions."""
