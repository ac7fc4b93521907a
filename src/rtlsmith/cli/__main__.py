"""`python -m rtlsmith.cli`: the same application as the `rtlsmith` command."""

from rtlsmith.cli.app import main

main()
