"""Pictures a hardware engineer would rather look at than read: mismatch waveforms (`waves`), state
diagrams (`fsm_dot`) and schematics of small designs (`schematic`).

Optional libraries are imported when a picture is drawn: `vcdvcd` and `wavedrom` (the `pictures` extra)
and Graphviz's `dot` (Debian `graphviz`); each says how to install it when missing. The `fsm` and
`schematic` commands are `rtlsmith.cli.pictures`.
"""
