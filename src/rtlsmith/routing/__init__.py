"""Routing between tiers (strategies or models) of different cost, judged with RouteLLM's metrics.

A tier is one stored bench run (an agent with a model). Routers decide per task which tier answers; the
offline evaluation replays stored outcomes, so measuring a router costs no model call. The `route`
command is `rtlsmith.cli.routing`.
"""
