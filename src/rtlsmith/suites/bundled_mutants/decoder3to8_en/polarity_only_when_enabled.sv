// Mutant of decoder3to8_en: active_low ignored while disabled.
module TopModule (
  input [2:0] a,
  input en,
  input active_low,
  output [7:0] y
);
  wire [7:0] onehot = en ? (8'b0000_0001 << a) : 8'b0000_0000;
  assign y = (active_low & en) ? ~onehot : onehot;
endmodule
