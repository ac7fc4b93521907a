"""The static screen: constructs that reach outside the sandbox are refused before anything runs."""

from __future__ import annotations

import pytest

from rtlsmith.tools.screen import screen

REFUSED = {
    "system": 'initial $system("touch /tmp/pwned_rtlsmith");',
    "system_spaced": 'initial $system ("ls");',
    "verilator_inline_cpp": 'initial $c("system(\\"id\\");");',
    "verilator_cpure": 'initial x = $cpure("1");',
    "systemc_directive": "`systemc_header\n#include <cstdlib>\n`verilog",
    "fopen_absolute": 'integer f; initial f = $fopen("/etc/passwd", "r");',
    "fopen_tmp_write": 'integer f; initial f = $fopen("/tmp/x", "w");',
    "fopen_parent": 'integer f; initial f = $fopen("../x", "w");',
    "fopen_nested_parent": 'integer f; initial f = $fopen("a/../../x", "w");',
    "fopen_home": 'integer f; initial f = $fopen("~/.ssh/id_rsa");',
    "fopen_sandbox_log": 'integer f; initial f = $fopen(".rtlsmith_step1.out", "w");',
    "fopen_not_literal": "integer f; reg [8*10:1] n; initial f = $fopen(n);",
    "fopen_macro_path": '`define P "/etc/passwd"\ninteger f; initial f = $fopen(`P);',
    "fopenw_absolute": 'integer f; initial f = $fopenw("/tmp/x");',
    "readmemh_absolute": 'reg [7:0] m [0:3]; initial $readmemh("/etc/hosts", m);',
    "writememb_parent": 'reg [7:0] m [0:3]; initial $writememb("../m.bin", m);',
    "dumpfile_absolute": 'initial $dumpfile("/tmp/w.vcd");',
    "dumpports_absolute": 'initial $dumpports(tb, "/tmp/p.evcd");',
    "readmempath_absolute": 'initial $readmempath("/etc");',
    "include_absolute": '`include "/etc/passwd"',
    "include_parent": '`include "../ref.sv"',
    # a design is one file: a sibling in the run directory is a hidden file of rtlsmith's, or a symlink
    "include_relative": '`include "defs.vh"',
    "include_hidden_reference": '`include "ref.sv"',
    "include_by_macro": '`define F "x.v"\n`include `F',
    "dpi_import": 'import "DPI-C" function int system(input string cmd);\ninitial x = system("id");',
    "dpi_import_context": 'import "DPI-C" context function void f();',
    "dpi_export": 'export "DPI-C" function g;',
    "dpi_old_style": 'import "DPI" function int system(input string cmd);',
    "fopen_macro_name": '`define F "/etc/passwd"\ninteger f; initial f = $fopen(`F);',
    "fopen_sformatf_name": 'integer f; initial f = $fopen($sformatf("/%s", "etc/passwd"));',
    "fopen_sformat_name": (
        'reg [8*20:1] s; integer f; initial begin $sformat(s, "/etc/%s", "x"); f = $fopen(s); end'
    ),
    "fopen_string_variable": 'string s = "/etc/passwd"; integer f; initial f = $fopen(s, "r");',
    "readmemh_variable": 'reg [7:0] m [0:3]; reg [8*10:1] n = "/etc/x"; initial $readmemh(n, m);',
    "fopen_by_macro_task": '`define OPEN $fopen\ninteger f; initial f = `OPEN("/etc/passwd");',
    # escapes in a string literal are read as the simulator reads them
    "fopen_octal_escapes_climb_out": r'integer f; initial f = $fopen(".\057..\057x", "w");',
    "fopen_hex_escapes_climb_out": r'integer f; initial f = $fopen(".\x2f..\x2fx", "w");',
    "fopen_escaped_sandbox_file": r'integer f; initial f = $fopen("d/\056rtlsmith_status", "w");',
    "escaped_system": 'initial \\$system ("id");',
    "escaped_fopen": 'integer f; initial f = \\$fopen ("/etc/passwd");',
    "vhdl_file_open": 'initial $ivlh_file_open(f, "/etc/passwd", 0);',
    "task_name_pasted": '`define S $sys``tem\ninitial `S("id");',
    "task_passed_as_macro_argument": '`define CALL(t) t("/etc/passwd")\ninitial f = `CALL($fopen);',
    "after_a_string_with_slashes": 'initial begin $display("http://x"); $system("id"); end',
}

ALLOWED = {
    "plain_design": "module TopModule(input a, output y); assign y = ~a; endmodule",
    "fopen_relative": 'integer f; initial f = $fopen("out.txt", "w");',
    "readmemh_relative": 'reg [7:0] m [0:3]; initial $readmemh("data/init.hex", m);',
    "dumpfile_relative": 'initial begin $dumpfile("wave.vcd"); $dumpvars(0, tb); end',
    "dumpfile_no_argument": "initial $dumpfile;",
    "in_a_line_comment": '// $system("rm -rf /")\nassign y = a;',
    "in_a_block_comment": '/* $fopen("/etc/passwd")\n $system("x") */ assign y = a;',
    "in_a_string": 'initial $display("$system(\\"/etc/passwd\\") is refused");',
    # metacomments change what C++ can see of a model, never what runs
    "verilator_metacomment": "wire w /*verilator public_flat_rw*/; // verilator lint_off WIDTH",
    "a_string_mentioning_dpi": 'initial $display("import \\"DPI-C\\" is refused");',
    "similar_names": "assign n = $clog2(W) + $countones(v) + $ceil(1.5); initial $cast(e, 1);",
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused(name: str) -> None:
    refusals = screen(REFUSED[name])
    assert refusals, f"{name} was not refused"
    assert all(r.message().startswith(f"refused: line {r.line}: ") for r in refusals)


@pytest.mark.parametrize("name", list(ALLOWED))
def test_allowed(name: str) -> None:
    assert screen(ALLOWED[name]) == []


def test_refusal_names_the_line_and_the_reason() -> None:
    src = 'module m;\n// $system("x")\n/* two\nlines */\ninitial $fopen("/etc/passwd");\nendmodule\n'
    (refusal,) = screen(src)
    assert refusal.line == 5 and refusal.construct == "$fopen"
    assert "absolute path '/etc/passwd'" in refusal.message()


def test_every_hit_is_listed_in_line_order() -> None:
    src = 'initial $fopen("/b");\ninitial $system("a");\n'
    assert [r.construct for r in screen(src)] == ["$fopen", "$system"]
