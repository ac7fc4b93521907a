// Mutant of mux4_w8: inputs b and c swapped.
module TopModule (
  input [1:0] sel,
  input en,
  input [7:0] a,
  input [7:0] b,
  input [7:0] c,
  input [7:0] d,
  output reg [7:0] y
);
  always @(*) begin
    if (!en)
      y = 8'h00;
    else
      case (sel)
        2'd0: y = a;
        2'd1: y = c;
        2'd2: y = b;
        default: y = d;
      endcase
  end
endmodule
