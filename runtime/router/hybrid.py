"""The ``hybrid`` policy, and the one place that builds the router a policy names.

Hybrid asks the rules first; only when they decline or ask a question is
Claude consulted, and when Claude cannot answer the rules' answer stands
(with a note). `router_for` builds ``rules``, ``llm`` or ``hybrid`` from a
runtime's configuration; Claude is left out (and the result says so) when no
``anthropic`` service is enabled or its key is empty. Nothing here imports
the `anthropic` SDK: the adapter does, on the first request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automate.runtime.plan import Plan, Routing
from automate.runtime.router.base import RouteContext, TaskRouter
from automate.runtime.router.llm import SERVICE, ClaudeRouter, LLMRouter
from automate.runtime.router.tools import Toolbox

if TYPE_CHECKING:
    from automate.integrations.config import RouterPolicy
    from automate.runtime.runtime import Runtime

__all__ = ["HybridRouter", "claude_missing", "router_for"]


class HybridRouter:
    """Rules first; Claude when the rules decline or are unsure."""

    def __init__(self, llm: LLMRouter) -> None:
        self.llm = llm

    def route(self, text: str, context: RouteContext) -> Routing:
        """The rules' answer (no network)."""
        return self.llm.rules.route(text, context)

    async def aroute(self, text: str, context: RouteContext, *, dry_run: bool = False) -> Routing:
        """The rules' plan, else Claude's answer, else the rules' question or decline with a note."""
        first = self.llm.rules.route(text, context)
        if isinstance(first, Plan):
            return first
        return await self.llm.ask(text, context, dry_run=dry_run, otherwise=first)


def claude_missing(runtime: Runtime, service: str = SERVICE) -> str | None:
    """Why Claude cannot be asked with this configuration, or None when it can."""
    services = runtime.config.integrations.services
    config = services.get(service)
    if config is None:
        return f"no {service!r} service is configured"
    if not config.enabled:
        return f"the {service!r} service is disabled"
    if config.adapter == "anthropic":
        from automate.integrations.anthropic import AnthropicSettings

        if not AnthropicSettings.model_validate(config.settings).has_key:
            return "no Anthropic API key is set (ANTHROPIC_API_KEY)"
    return None


def router_for(runtime: Runtime, policy: RouterPolicy, *, ask_on_dry_run: bool = False) -> TaskRouter:
    """The router `policy` names, over the runtime's available agents and services."""
    from automate.integrations.manager import IntegrationManager
    from automate.runtime.router.rules import RuleRouter

    rules = RuleRouter()
    if policy == "rules":
        return rules
    missing = claude_missing(runtime)
    claude = None
    if missing is None:
        manager = IntegrationManager.from_config(runtime.config, [SERVICE], pool=runtime.pool)
        claude = ClaudeRouter(Toolbox.of_agents(runtime.agents.values()), manager)
    llm = LLMRouter(rules, claude, unavailable=missing or "", ask_on_dry_run=ask_on_dry_run)
    return llm if policy == "llm" else HybridRouter(llm)
