module TopModule (input clk, input reset, input car, output [1:0] main_light, output [1:0] side_light);
  reg [3:0] st; // one-hot: MG, MY, SG, SY
  reg [2:0] t;
  wire go = st[0] ? (t >= 5 && car) : st[1] ? (t == 1) : st[2] ? (t == 3) : (t == 1);
  always @(posedge clk)
    if (reset) begin st <= 4'b0001; t <= 0; end
    else if (go) begin st <= {st[2:0], st[3]}; t <= 0; end
    else if (t < 7) t <= t + 1;
  assign main_light = st[0] ? 2'b10 : st[1] ? 2'b01 : 2'b00;
  assign side_light = st[2] ? 2'b10 : st[3] ? 2'b01 : 2'b00;
endmodule
