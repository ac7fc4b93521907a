"""Small forms instead of free Verilog: a model fills a JSON form (a state machine, a truth table, a counter)
under the form's JSON-schema grammar, and rtlsmith writes the module from it; text state diagrams and wide
state tables are read into the same forms without a model.

Owns: the form schemas and their grammars (`schema`), the forms and their writers (`machine`, `truth`,
`counter`), which form a spec gets and its prompts (`kinds`), the readers that fill a form from the spec's
own text (`diagram`, `wide_table`), and the form run (`agent`). May import `rtlsmith.agent` (checks,
config, traces), `rtlsmith.symbolic` (its design writers), `rtlsmith.llm`, `rtlsmith.task`,
`rtlsmith.suites` and `rtlsmith.tools`; the agent package reaches it only on use (the hybrid agent).
"""
