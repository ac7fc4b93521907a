// Mutant of seqdet_0110_mealy: output depends on the state only (Moore).
module TopModule (
  input clk,
  input resetn,
  input x,
  output z
);
  localparam A = 2'd0, B = 2'd1, C = 2'd2, D = 2'd3;
  reg [1:0] state, next;

  always @(*) begin
    case (state)
      A: next = x ? A : B;
      B: next = x ? C : B;
      C: next = x ? D : B;
      default: next = x ? A : B;
    endcase
  end

  always @(posedge clk) begin
    if (!resetn) state <= A;
    else state <= next;
  end

  assign z = (state == D);
endmodule
