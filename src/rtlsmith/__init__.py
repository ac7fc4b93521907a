"""rtlsmith: natural-language specs to Verilog proven by real tools, and an honest gym for RTL agents."""

__version__ = "0.1.0"
