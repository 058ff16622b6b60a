"""Integrations: adapters to real services, and the manager that calls them under policies."""
