"""Routers: from a request's text to a plan of agent actions."""

from automate.runtime.router.base import RouteContext, TaskRouter

__all__ = ["RouteContext", "TaskRouter"]
