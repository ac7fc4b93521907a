// Mutant of lock_fsm: alarm on the fourth wrong digit (off by one).
module TopModule (
  input clk,
  input reset,
  input press,
  input [3:0] key,
  output unlocked,
  output alarm
);
  localparam S0 = 3'd0, S1 = 3'd1, S2 = 3'd2, S3 = 3'd3, OPEN = 3'd4, ALARM = 3'd5;
  reg [2:0] state;
  reg [1:0] wrong;
  reg [3:0] expected;

  always @(*) begin
    case (state)
      S0: expected = 4'd3;
      S1: expected = 4'd1;
      S2: expected = 4'd4;
      default: expected = 4'd2;
    endcase
  end

  always @(posedge clk) begin
    if (reset) begin
      state <= S0;
      wrong <= 2'd0;
    end else if (press) begin
      case (state)
        OPEN: state <= S0;
        ALARM: state <= ALARM;
        default:
          if (key == expected) begin
            state <= state + 3'd1;
            if (state == S3) wrong <= 2'd0;
          end else if (wrong == 2'd3) begin
            state <= ALARM;
          end else begin
            wrong <= wrong + 2'd1;
            state <= (key == 4'd3) ? S1 : S0;
          end
      endcase
    end
  end

  assign unlocked = (state == OPEN);
  assign alarm = (state == ALARM);
endmodule
