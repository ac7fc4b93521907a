"""The symbolic agent: Verilog designed from the tables in a spec (truth tables, waveforms, K-maps, state
tables) with no model.

Owns: reading tables from spec text (`tables`, with one reader per form in `truth`, `kmap`, `state_table`,
the common data model in `table_model` and cell values in `cells`), two-level logic (`logic`), synthesis of
combinational modules (`combinational`) and Moore machines (`sequential`), and the agent that checks the
design against the spec's own table (`agent.run_symbolic`).

May import: `rtlsmith.task`, `rtlsmith.errors`, `rtlsmith.tools`, `rtlsmith.suites.tbgen`, and the agent
package's shared contracts (`agent.config`, `agent.record`, `agent.checks`, `agent.trace`). The agent
package reaches this one only through the agent registry, on use, so importing either never imports the
other half-built.
No click or rich: commands live in the CLI layer.

    from rtlsmith.symbolic.agent import run_symbolic
    result = run_symbolic(task.public, AgentConfig())
"""
