// Mutant of handshake4: goes to DONE without waiting for ack to drop.
module TopModule (
  input clk,
  input rst_n,
  input start,
  input ack,
  output req,
  output busy,
  output done
);
  localparam IDLE = 2'd0, REQ = 2'd1, RELEASE = 2'd2, DONE = 2'd3;
  reg [1:0] state;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n)
      state <= IDLE;
    else
      case (state)
        IDLE: if (start) state <= REQ;
        REQ: if (ack) state <= DONE;
        RELEASE: if (!ack) state <= DONE;
        default: state <= IDLE;
      endcase
  end

  assign req = (state == REQ);
  assign busy = (state != IDLE);
  assign done = (state == DONE);
endmodule
