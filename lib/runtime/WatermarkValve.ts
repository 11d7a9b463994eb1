import { MIN_WATERMARK } from './elements.js';

/**
 * Combines the watermarks and idleness of several input channels into one, like Flink `StatusWatermarkValve`:
 * the output is the minimum over active, aligned channels and only moves forward; when every channel is idle the
 * output is idle.
 * @internal
 */
export class WatermarkValve {
  private readonly wm: number[];
  private readonly idle: boolean[];
  private readonly aligned: boolean[];
  lastOutput = MIN_WATERMARK;
  private outputIdle = false;

  constructor(
    numChannels: number,
    private readonly onWatermark: (wm: number) => void,
    private readonly onStatus: (idle: boolean) => void,
  ) {
    this.wm = new Array(numChannels).fill(MIN_WATERMARK);
    this.idle = new Array(numChannels).fill(false);
    this.aligned = new Array(numChannels).fill(true);
  }

  inputWatermark(ch: number, watermark: number): void {
    if (this.idle[ch]) return;
    if (watermark > this.wm[ch]!) {
      this.wm[ch] = watermark;
      if (!this.aligned[ch] && watermark >= this.lastOutput) this.aligned[ch] = true;
      this.advanceToMin();
    }
  }

  inputStatus(ch: number, idle: boolean): void {
    if (idle && !this.idle[ch]) {
      this.idle[ch] = true;
      this.aligned[ch] = false;
      if (this.idle.every((x) => x)) {
        if (this.wm[ch] === this.lastOutput) this.advanceToMax();
        this.outputIdle = true;
        this.onStatus(true);
      } else if (this.wm[ch] === this.lastOutput) {
        this.advanceToMin();
      }
    } else if (!idle && this.idle[ch]) {
      this.idle[ch] = false;
      if (this.wm[ch]! >= this.lastOutput) this.aligned[ch] = true;
      if (this.outputIdle) {
        this.outputIdle = false;
        this.onStatus(false);
      }
    }
  }

  private advanceToMin(): void {
    let min = Infinity;
    let any = false;
    for (let i = 0; i < this.wm.length; i++) {
      if (this.aligned[i] && !this.idle[i]) {
        any = true;
        if (this.wm[i]! < min) min = this.wm[i]!;
      }
    }
    if (any && min > this.lastOutput) {
      this.lastOutput = min;
      this.onWatermark(min);
    }
  }

  private advanceToMax(): void {
    const max = Math.max(...this.wm);
    if (max > this.lastOutput) {
      this.lastOutput = max;
      this.onWatermark(max);
    }
  }
}
