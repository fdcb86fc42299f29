/**
 * A worker-wide bound on the bytes held in memory by transfers: small files are read whole and
 * large files a part at a time, so without it memory grows with concurrency × file size. Waiters
 * are served in order; a request larger than the whole budget waits until nothing else is held.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: Array<{ bytes: number; grant: () => void }> = [];

  constructor(readonly limit: number) {}

  async acquire(bytes: number): Promise<() => void> {
    if (this.waiting.length === 0 && this.fits(bytes)) this.held += bytes;
    else await new Promise<void>((grant) => this.waiting.push({ bytes, grant }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
      this.drain();
    };
  }

  /** Runs `work` while holding `bytes` of the budget. */
  async with<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(bytes);
    try {
      return await work();
    } finally {
      release();
    }
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.limit;
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift()!;
      this.held += next.bytes;
      next.grant();
    }
  }
}
