// Mutant of serial_rx: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input rx,
  output reg valid,
  output reg perr,
  output reg [7:0] data
);
  localparam IDLE = 3'd0, DATA = 3'd1, PARITY = 3'd2, STOP = 3'd3, WAIT_IDLE = 3'd4;
  reg [2:0] state;
  reg [2:0] cnt;
  reg [7:0] shreg;
  reg par;

  always @(posedge clk) begin
    if (!reset) begin
      state <= IDLE;
      cnt <= 3'd0;
      shreg <= 8'd0;
      par <= 1'b0;
      valid <= 1'b0;
      perr <= 1'b0;
      data <= 8'd0;
    end else begin
      valid <= 1'b0;
      perr <= 1'b0;
      case (state)
        IDLE:
          if (!rx) begin
            state <= DATA;
            cnt <= 3'd0;
          end
        DATA: begin
          shreg[cnt] <= rx;
          if (cnt == 3'd7) state <= PARITY;
          cnt <= cnt + 3'd1;
        end
        PARITY: begin
          par <= rx;
          state <= STOP;
        end
        STOP:
          if (rx) begin
            state <= IDLE;
            if ((^shreg) ^ par) perr <= 1'b1;
            else begin
              valid <= 1'b1;
              data <= shreg;
            end
          end else
            state <= WAIT_IDLE;
        default:
          if (rx) state <= IDLE;
      endcase
    end
  end
endmodule
