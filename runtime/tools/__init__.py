"""The agents' actions as tools for other frameworks: LangChain (`langchain`) and MCP (`mcp`).

The adapters sit on top of the agents and the runtime (agents import nothing
from here); both call through `calls`, so they read arguments, report bad ones
and shape failures the same way. Each adapter module imports its framework, so
import the one you use: ``from automate.runtime.tools.langchain import runtime_tools``.
"""

__all__: list[str] = []
