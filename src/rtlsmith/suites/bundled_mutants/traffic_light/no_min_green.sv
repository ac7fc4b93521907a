// Mutant of traffic_light: main green ends as soon as a car is sensed.
module TopModule (
  input clk,
  input reset,
  input car,
  output reg [1:0] main_light,
  output reg [1:0] side_light
);
  localparam RED = 2'b00, YELLOW = 2'b01, GREEN = 2'b10;
  localparam MG = 2'd0, MY = 2'd1, SG = 2'd2, SY = 2'd3;
  reg [1:0] state;
  reg [2:0] timer;
  reg leave;

  always @(*) begin
    case (state)
      MG: leave = car;
      MY: leave = (timer == 3'd1);
      SG: leave = (timer == 3'd3);
      default: leave = (timer == 3'd1);
    endcase
  end

  always @(posedge clk) begin
    if (reset) begin
      state <= MG;
      timer <= 3'd0;
    end else if (leave) begin
      state <= state + 2'd1;
      timer <= 3'd0;
    end else if (timer != 3'd7) begin
      timer <= timer + 3'd1;
    end
  end

  always @(*) begin
    case (state)
      MG: begin main_light = GREEN; side_light = RED; end
      MY: begin main_light = YELLOW; side_light = RED; end
      SG: begin main_light = RED; side_light = GREEN; end
      default: begin main_light = RED; side_light = YELLOW; end
    endcase
  end
endmodule
