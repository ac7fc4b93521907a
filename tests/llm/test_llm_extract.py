"""Model response -> Verilog: the shapes real models answer in."""

from __future__ import annotations

from rtlsmith.llm import extract_body, extract_verilog, extract_verilog_eval, split_modules

AND = "module TopModule(input a, input b, output out);\n  assign out = a & b;\nendmodule"


def names(code: str) -> list[str]:
    return [u.name for u in split_modules(code)]


def test_verilog_fence_with_prose_around() -> None:
    text = f"Sure! Here is the design:\n\n```verilog\n{AND}\n```\n\nThis module ANDs its inputs."
    assert extract_verilog(text) == AND + "\n"


def test_systemverilog_and_unlabelled_fences() -> None:
    for lang in ("systemverilog", "sv", ""):
        assert extract_verilog(f"```{lang}\n{AND}\n```") == AND + "\n"


def test_begin_done_markers_of_verilog_eval() -> None:
    text = f"[BEGIN]\n{AND}\n[DONE]\n\nQuestion:\nImplement something else\n"
    assert extract_verilog(text) == AND + "\n"


def test_begin_without_done_runs_to_the_end() -> None:
    assert extract_verilog(f"[BEGIN]\n{AND}\n") == AND + "\n"


def test_fence_inside_begin_done() -> None:
    assert extract_verilog(f"[BEGIN]\n```verilog\n{AND}\n```\n[DONE]") == AND + "\n"


def test_no_fences_drops_prose_before_and_after() -> None:
    text = f"The answer is below.\n{AND}\nI hope this helps! The module is combinational."
    assert extract_verilog(text) == AND + "\n"


def test_missing_endmodule_is_appended() -> None:
    text = "```verilog\nmodule TopModule(input a, output y);\n  assign y = ~a;\n"  # ran out of tokens
    out = extract_verilog(text)
    assert out.rstrip().endswith("assign y = ~a;\nendmodule")
    assert out.count("endmodule") == 1


def test_missing_endmodule_between_two_modules() -> None:
    code = (
        "module a(input x, output y);\n assign y = x;\n\n"
        "module b(input x, output y);\n assign y = x;\nendmodule\n"
    )
    out = extract_verilog(code)
    assert names(out) == ["a", "b"]
    assert out.count("endmodule") == 2


def test_all_modules_are_kept_across_blocks() -> None:
    helper = "module half_adder(input a, b, output s, c);\n  assign {c, s} = a + b;\nendmodule"
    top = "module TopModule(input a, b, output s, c);\n  half_adder h(a, b, s, c);\nendmodule"
    text = f"First a helper:\n```verilog\n{helper}\n```\nThen the top:\n```verilog\n{top}\n```"
    assert names(extract_verilog(text, "TopModule")) == ["half_adder", "TopModule"]


def test_a_module_repeated_after_a_fix_keeps_the_last_version() -> None:
    wrong = AND.replace("a & b", "a | b")
    text = f"```verilog\n{wrong}\n```\nOops, that is OR. Fixed:\n```verilog\n{AND}\n```"
    out = extract_verilog(text)
    assert out == AND + "\n"


def test_non_verilog_blocks_are_ignored() -> None:
    text = f"```bash\niverilog -o x top.v\n```\n```verilog\n{AND}\n```\n```python\nprint(1)\n```"
    assert extract_verilog(text) == AND + "\n"


def test_named_module_outside_the_fences_is_included() -> None:
    helper = "module inv(input a, output y);\n  assign y = ~a;\nendmodule"
    text = f"{AND}\n\nand the helper:\n```verilog\n{helper}\n```"
    out = extract_verilog(text, module_name="TopModule")
    assert set(names(out)) == {"TopModule", "inv"}


def test_preamble_directives_are_kept() -> None:
    text = f"```verilog\n`timescale 1ns/1ps\n`default_nettype none\n{AND}\n```"
    out = extract_verilog(text)
    assert out.startswith("`timescale 1ns/1ps\n`default_nettype none\n")
    assert names(out) == ["TopModule"]


def test_module_word_in_comments_and_prose_is_not_a_module() -> None:
    text = f"This module is simple.\n```verilog\n// module placeholder\n{AND}\n```"
    assert names(extract_verilog(text)) == ["TopModule"]


def test_endmodule_label_and_four_backtick_fence() -> None:
    code = "module m(input a, output y);\n  assign y = a;\nendmodule : m"
    assert extract_verilog(f"````verilog\n{code}\n````") == code + "\n"


def test_text_without_code_comes_back_stripped() -> None:
    assert extract_verilog("  I cannot help with that.  ") == "I cannot help with that.\n"


def test_unclosed_fence_runs_to_the_end() -> None:
    assert names(extract_verilog(f"```verilog\n{AND}\n")) == ["TopModule"]


# -- v1 completions --------------------------------------------------------------------------------------


def test_body_after_a_repeated_header() -> None:
    text = (
        "```verilog\nmodule top_module(\n  input a, b,\n  output out);\n  assign out = a & b;\nendmodule\n```"
    )
    assert extract_body(text) == "  assign out = a & b;\nendmodule\n"


def test_body_header_with_parameters_and_semicolons_later() -> None:
    text = (
        "module top_module #(parameter W = 4) (input [W-1:0] a, output [W-1:0] y);\n"
        "  assign y = ~a;\nendmodule"
    )
    assert extract_body(text, "top_module") == "  assign y = ~a;\nendmodule\n"


def test_plain_body_is_kept_and_closed() -> None:
    assert extract_body("  assign out = a & b;\n") == "  assign out = a & b;\nendmodule\n"
    assert extract_body("  assign out = a & b;\nendmodule\n") == "  assign out = a & b;\nendmodule\n"


def test_body_keeps_helpers_but_not_a_second_copy_of_itself() -> None:
    text = (
        "  inv u(a, out);\nendmodule\n\nmodule inv(input a, output y);\n  assign y = ~a;\nendmodule\n\n"
        "module top_module(input a, output out);\n  assign out = a;\nendmodule\n"
    )
    out = extract_body(text, "top_module")
    assert out.startswith("  inv u(a, out);\nendmodule\n")
    assert names(out) == ["inv"]


# -- VerilogEval v2's own extraction, for comparable numbers ---------------------------------------------

IFC = "module TopModule (\n  input a,\n  output out\n);"


def test_verilog_eval_spec_to_rtl_keeps_begin_done_lines() -> None:
    text = "[BEGIN]\nmodule TopModule();\nendmodule\n[DONE]\nQuestion:\nmore"
    assert extract_verilog_eval(text) == "\nmodule TopModule();\nendmodule\n\n"


def test_verilog_eval_markers_on_code_lines_are_cut() -> None:
    text = "[BEGIN] module TopModule();\nendmodule [DONE]"
    assert extract_verilog_eval(text) == "\n module TopModule();\nendmodule \n\n"


def test_verilog_eval_begin_without_done_keeps_nothing() -> None:
    assert extract_verilog_eval(f"[BEGIN]\n{AND}\n") == "\n\n"


def test_verilog_eval_falls_back_to_fences_and_says_so() -> None:
    text = "Sure:\n```verilog\nmodule TopModule();\nendmodule\n```\nbye"
    assert extract_verilog_eval(text) == (
        "\nmodule TopModule();\nendmodule\n\n"
        "// VERILOG-EVAL: response did not use <CODE></CODE> correctly\n\n"
    )


def test_verilog_eval_code_complete_puts_the_interface_before_a_body() -> None:
    out = extract_verilog_eval(
        "  assign out = a;\nendmodule\ntrailing prose", task="code-complete-iccad2023", interface=IFC
    )
    assert out == f"\n{IFC}\n\n  assign out = a;\nendmodule\n\n\n"


def test_verilog_eval_code_complete_flags_a_repeated_module_and_missing_endmodule() -> None:
    text = "```\nmodule TopModule (input a, output out);\n  assign out = a;\n```"
    out = extract_verilog_eval(text, task="code-complete-iccad2023", interface=IFC)
    assert out == (
        "\nmodule TopModule (input a, output out);\n  assign out = a;\n\n"
        "// VERILOG-EVAL: errant inclusion of module definition\n\n"
        "// VERILOG-EVAL: endmodule not found\n\n\n"
    )


def test_fence_opened_mid_line_still_finds_the_module() -> None:
    text = f"Here is the code: ```verilog\n{AND}\n```"
    assert extract_verilog(text) == AND + "\n"


def test_code_between_modules_in_a_fence_is_kept() -> None:
    pkg = "package p;\n  typedef enum logic [1:0] {A, B, C} state_t;\nendpackage"
    text = f"```systemverilog\n{pkg}\n\n{AND}\n```"
    out = extract_verilog(text)
    assert out.startswith(pkg) and names(out) == ["TopModule"]


def test_prose_between_modules_outside_fences_is_dropped() -> None:
    helper = "module inv(input a, output y);\n  assign y = ~a;\nendmodule"
    text = f"{helper}\nNow the top module, which uses it:\n{AND}\nDone."
    assert extract_verilog(text) == f"{helper}\n\n{AND}\n"
