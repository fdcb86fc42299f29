/**
 * How many files a worker copies at once, found from what the network delivers instead of a fixed
 * number: a hill climb on the aggregate rate. Every window it compares the bytes delivered with the
 * window before: while the rate rises by more than RATE_GAIN after a step up it steps up again;
 * when a step up bought nothing it steps back and holds, trying again after HOLD_WINDOWS; a 429 from
 * SmugMug or S3's SlowDown cuts it by a third at once and holds. Always within `min` and `max` (the
 * memory budget and the per-account rate limit bound what the slots may do).
 */

/** A rise smaller than this is noise, not a gain worth another connection. */
const RATE_GAIN = 0.08;
/** Windows to hold after a step that bought nothing (or a congestion signal) before probing again. */
const HOLD_WINDOWS = 5;
/** What is left of the limit after a 429 or SlowDown. */
const CONGESTION_CUT = 2 / 3;

export interface ConcurrencyOptions {
  initial: number;
  min: number;
  max: number;
  /** How long one measurement lasts: long enough for a few files to finish at any limit. */
  windowMs: number;
  /** A fixed limit (the FILE_CONCURRENCY setting): no adapting. */
  fixed?: boolean;
}

export class AdaptiveConcurrency {
  private current: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private windowStart: number;
  private windowBytes = 0;
  /** Slots that were busy at some point of this window: a window that never filled its slots says nothing of the limit. */
  private windowPeak = 0;
  private previous?: { rate: number; limit: number; grew: boolean };
  private holdFor = 0;

  constructor(
    private readonly options: ConcurrencyOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.current = Math.min(options.max, Math.max(options.min, options.initial));
    this.windowStart = now();
  }

  /** Files allowed at once now. */
  get limit(): number {
    return this.current;
  }

  /** Runs `work` in a slot, waiting for one. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    this.windowPeak = Math.max(this.windowPeak, this.inFlight);
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.tick();
      this.wake();
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.current) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands free slots to those waiting, each counted in as it is handed. */
  private wake(): void {
    while (this.inFlight < this.current && this.waiting.length > 0) {
      this.inFlight += 1;
      this.waiting.shift()!();
    }
  }

  /** Bytes that arrived (of any transfer of this worker). */
  delivered(bytes: number): void {
    this.windowBytes += bytes;
    this.tick();
  }

  /** SmugMug answered 429 or S3 SlowDown: fewer at once, and no probing for a while. */
  congested(): void {
    if (this.options.fixed) return;
    this.current = Math.max(this.options.min, Math.floor(this.current * CONGESTION_CUT));
    this.holdFor = HOLD_WINDOWS;
    this.previous = undefined;
    this.startWindow();
  }

  private tick(): void {
    const elapsed = this.now() - this.windowStart;
    if (elapsed < this.options.windowMs) return;
    const rate = this.windowBytes / elapsed;
    const saturated = this.windowPeak >= this.current;
    if (!this.options.fixed && saturated) this.adapt(rate);
    this.startWindow();
  }

  private adapt(rate: number): void {
    const before = this.previous;
    if (this.holdFor > 0) {
      this.holdFor -= 1;
      this.previous = { rate, limit: this.current, grew: false };
      return;
    }
    if (before?.grew && rate <= before.rate * (1 + RATE_GAIN)) {
      // The last step up bought nothing: back to where it was, and hold.
      this.current = before.limit;
      this.holdFor = HOLD_WINDOWS;
      this.previous = { rate: before.rate, limit: this.current, grew: false };
      return;
    }
    const step = Math.max(1, Math.ceil(this.current / 4));
    const next = Math.min(this.options.max, this.current + step);
    this.previous = { rate, limit: this.current, grew: next > this.current };
    this.current = next;
    this.wake();
  }

  private startWindow(): void {
    this.windowStart = this.now();
    this.windowBytes = 0;
    this.windowPeak = this.inFlight;
  }
}
