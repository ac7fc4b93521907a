// Mutant of parity_gen: nibble parity bits in reverse order.
module TopModule (
  input [15:0] data,
  input odd,
  output p,
  output [3:0] nib
);
  assign p = (^data) ^ odd;
  assign nib = {^data[3:0], ^data[7:4], ^data[11:8], ^data[15:12]};
endmodule
