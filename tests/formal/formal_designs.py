"""Small designs for the formal tests: a reference, a correct re-implementation and a buggy variant each."""

from __future__ import annotations

# Combinational: add or xor, chosen by `sel`.
COMB_REF = """
module RefModule (
  input [3:0] a,
  input [3:0] b,
  input sel,
  output [4:0] y
);
  assign y = sel ? a + b : {1'b0, a ^ b};
endmodule
"""

# The same function written differently (a case statement, the sum through an explicit carry).
COMB_GOOD = """
module TopModule (
  input [3:0] a,
  input [3:0] b,
  input sel,
  output reg [4:0] y
);
  wire [4:0] sum = {1'b0, a} + {1'b0, b};
  always @(*) begin
    case (sel)
      1'b1: y = sum;
      default: y = {1'b0, (a | b) & ~(a & b)};
    endcase
  end
endmodule
"""

# Bug: `|` instead of `^`, wrong only when a and b share a set bit and sel is 0.
COMB_BUG = """
module TopModule (
  input [3:0] a,
  input [3:0] b,
  input sel,
  output [4:0] y
);
  assign y = sel ? a + b : {1'b0, a | b};
endmodule
"""

# Sequential: a 4-bit counter with enable and synchronous reset.
SEQ_REF = """
module RefModule (
  input clk,
  input reset,
  input en,
  output reg [3:0] q
);
  always @(posedge clk)
    if (reset) q <= 4'd0;
    else if (en) q <= q + 4'd1;
endmodule
"""

# Bug: wraps after 11 instead of 15; only a run of 12 enabled cycles shows it.
SEQ_BUG = """
module TopModule (
  input clk,
  input reset,
  input en,
  output reg [3:0] q
);
  always @(posedge clk)
    if (reset) q <= 4'd0;
    else if (en) q <= (q == 4'd11) ? 4'd0 : q + 4'd1;
endmodule
"""

# FSM: a Moore detector of the sequence 1,0,1 (overlapping), binary-encoded, synchronous reset.
FSM_REF = """
module RefModule (
  input clk,
  input reset,
  input x,
  output z
);
  localparam IDLE = 2'd0, S1 = 2'd1, S10 = 2'd2, S101 = 2'd3;
  reg [1:0] state, next;
  always @(*) begin
    case (state)
      IDLE: next = x ? S1 : IDLE;
      S1:   next = x ? S1 : S10;
      S10:  next = x ? S101 : IDLE;
      S101: next = x ? S1 : S10;
      default: next = IDLE;
    endcase
  end
  always @(posedge clk)
    if (reset) state <= IDLE;
    else state <= next;
  assign z = (state == S101);
endmodule
"""

# The same machine one-hot encoded, states in another order.
FSM_GOOD = """
module TopModule (
  input clk,
  input reset,
  input x,
  output z
);
  localparam [3:0] A = 4'b0001, B = 4'b0010, C = 4'b0100, D = 4'b1000;
  reg [3:0] s, n;
  always @(*) begin
    case (s)
      A: n = x ? B : A;
      B: n = x ? B : C;
      C: n = x ? D : A;
      D: n = x ? B : C;
      default: n = A;
    endcase
  end
  always @(posedge clk)
    if (reset) s <= A;
    else s <= n;
  assign z = (s == D);
endmodule
"""

# Bug: no overlap after a detection: from S101 on 0 it goes back to IDLE instead of S10.
FSM_BUG = """
module TopModule (
  input clk,
  input reset,
  input x,
  output z
);
  localparam IDLE = 2'd0, S1 = 2'd1, S10 = 2'd2, S101 = 2'd3;
  reg [1:0] state, next;
  always @(*) begin
    case (state)
      IDLE: next = x ? S1 : IDLE;
      S1:   next = x ? S1 : S10;
      S10:  next = x ? S101 : IDLE;
      S101: next = x ? S1 : IDLE;
      default: next = IDLE;
    endcase
  end
  always @(posedge clk)
    if (reset) state <= IDLE;
    else state <= next;
  assign z = (state == S101);
endmodule
"""


def as_candidate(reference: str) -> str:
    """The reference renamed to TopModule: a candidate that must be proven equivalent."""
    return reference.replace("RefModule", "TopModule")


# A synchronous FIFO, 4 words of 4 bits. The memory, its pointers and the count are state the outputs do not
# show, so temporal induction on the outputs alone does not close; matching the registers does.
FIFO_REF = """
module RefModule (
  input clk,
  input reset,
  input push,
  input pop,
  input [3:0] din,
  output [3:0] dout,
  output full,
  output empty
);
  reg [3:0] mem [0:3];
  reg [1:0] wr_ptr, rd_ptr;
  reg [2:0] count;
  wire do_push = push & ~full;
  wire do_pop = pop & ~empty;
  always @(posedge clk) begin
    if (reset) begin
      wr_ptr <= 2'd0;
      rd_ptr <= 2'd0;
      count <= 3'd0;
    end else begin
      if (do_push) begin
        mem[wr_ptr] <= din;
        wr_ptr <= wr_ptr + 2'd1;
      end
      if (do_pop) rd_ptr <= rd_ptr + 2'd1;
      count <= count + {2'd0, do_push} - {2'd0, do_pop};
    end
  end
  assign full = (count == 3'd4);
  assign empty = (count == 3'd0);
  assign dout = empty ? 4'h0 : mem[rd_ptr];
endmodule
"""

# The same FIFO with every register and wire renamed: nothing pairs by name but the ports, so the proof
# rests on `equiv_struct` pairing the registers by structure.
FIFO_RENAMED = """
module TopModule (
  input clk,
  input reset,
  input push,
  input pop,
  input [3:0] din,
  output [3:0] dout,
  output full,
  output empty
);
  reg [3:0] store [0:3];
  reg [1:0] tail, head;
  reg [2:0] used;
  wire wr = push & ~full;
  wire rd = pop & ~empty;
  always @(posedge clk) begin
    if (reset) begin
      tail <= 2'd0;
      head <= 2'd0;
      used <= 3'd0;
    end else begin
      if (wr) begin
        store[tail] <= din;
        tail <= tail + 2'd1;
      end
      if (rd) head <= head + 2'd1;
      used <= used + {2'd0, wr} - {2'd0, rd};
    end
  end
  assign full = (used == 3'd4);
  assign empty = (used == 3'd0);
  assign dout = empty ? 4'h0 : store[head];
endmodule
"""

# Bug: the read pointer wraps after 3 words instead of 4, so the fourth word is skipped. Only a run that
# fills and drains the FIFO past its end shows it (first at cycle 6).
FIFO_BUG = as_candidate(FIFO_REF).replace(
    "if (do_pop) rd_ptr <= rd_ptr + 2'd1;", "if (do_pop) rd_ptr <= (rd_ptr == 2'd2) ? 2'd0 : rd_ptr + 2'd1;"
)

# Bug: an x on `dout` while the FIFO is full, where the reference gives the oldest word: a mismatch for a
# testbench. It takes five cycles to fill the FIFO; the candidate's x must not be read as a value.
FIFO_X_WHEN_FULL = as_candidate(FIFO_REF).replace(
    "assign dout = empty ? 4'h0 : mem[rd_ptr];", "assign dout = empty ? 4'h0 : full ? 4'hx : mem[rd_ptr];"
)
