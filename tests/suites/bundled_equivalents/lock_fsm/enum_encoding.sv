module TopModule (input clk, input reset, input press, input [3:0] key, output unlocked, output alarm);
  typedef enum logic [2:0] {L0=3'd5, L1=3'd2, L2=3'd7, L3=3'd1, OP=3'd0, AL=3'd6} st_t;
  st_t st; reg [1:0] w;
  function [3:0] exp_digit(input st_t s);
    case (s) L0: exp_digit = 3; L1: exp_digit = 1; L2: exp_digit = 4; default: exp_digit = 2; endcase
  endfunction
  always @(posedge clk) begin
    if (reset) begin st <= L0; w <= 0; end
    else if (press) begin
      if (st == OP) st <= L0;
      else if (st != AL) begin
        if (key == exp_digit(st)) begin
          case (st) L0: st <= L1; L1: st <= L2; L2: st <= L3; default: begin st <= OP; w <= 0; end endcase
        end else if (w == 2) st <= AL;
        else begin w <= w + 1; st <= (key == 3) ? L1 : L0; end
      end
    end
  end
  assign unlocked = (st == OP);
  assign alarm = (st == AL);
endmodule
