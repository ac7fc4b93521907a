// Mutant of gray8: decoder XORs neighbours instead of the prefix.
module TopModule (
  input [7:0] bin,
  input [7:0] gray_in,
  output [7:0] gray,
  output reg [7:0] bin_out
);
  integer i;
  assign gray = bin ^ (bin >> 1);
  always @(*) begin
    bin_out[7] = gray_in[7];
    for (i = 6; i >= 0; i = i - 1)
      bin_out[i] = gray_in[i + 1] ^ gray_in[i];
  end
endmodule
