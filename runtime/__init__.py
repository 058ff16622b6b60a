"""The runtime: routing requests to agents, running plans, and the chat loop."""
