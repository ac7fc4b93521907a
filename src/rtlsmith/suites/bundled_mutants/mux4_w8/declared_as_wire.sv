// Mutant of mux4_w8: output assigned in always block but declared as a net.
module TopModule (
  input [1:0] sel,
  input en,
  input [7:0] a,
  input [7:0] b,
  input [7:0] c,
  input [7:0] d,
  output [7:0] y
);
  always @(*) begin
    if (!en)
      y = 8'h00;
    else
      case (sel)
        2'd0: y = a;
        2'd1: y = b;
        2'd2: y = c;
        default: y = d;
      endcase
  end
endmodule
