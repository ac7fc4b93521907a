// Mutant of bin2bcd8: tens digit not reduced modulo 10.
module TopModule (
  input [7:0] bin,
  output [11:0] bcd
);
  wire [7:0] hundreds = bin / 8'd100;
  wire [7:0] tens = (bin / 8'd10);
  wire [7:0] ones = bin % 8'd10;
  assign bcd = {hundreds[3:0], tens[3:0], ones[3:0]};
endmodule
