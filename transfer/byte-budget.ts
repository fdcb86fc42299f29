/**
 * Buffers are handed out in whole MiB, so one buffer serves many files of similar sizes: a photo
 * of 4.2 MB and one of 4.9 MB take the same 5 MiB buffer in turn.
 */
const BUFFER_GRANULE = 2 ** 20;
/** A free buffer this much larger than asked is still taken rather than a new one allocated. */
const BUFFER_SLACK = 2 * BUFFER_GRANULE;

/**
 * A worker-wide bound on the bytes held in memory by transfers, and the buffers that hold them:
 * small files are read whole and large files a part at a time, so without it memory grows with
 * concurrency × file size. Buffers are reused rather than allocated per file: copying allocated a
 * buffer per file and part, and collecting them was a fifth of the worker's CPU. Free buffers are
 * kept while the budget has room, dropped oldest first when it has not, so buffers in use and kept
 * stay within the limit. Waiters are served in order; a request larger than the whole budget waits
 * until nothing else is held.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: Array<{ bytes: number; grant: () => void }> = [];
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

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

  /** Runs `work` with `count` buffers of exactly `size` bytes, held within the budget, reused after. */
  async withBuffers<T>(count: number, size: number, work: (buffers: Buffer[]) => Promise<T>): Promise<T> {
    const capacity = Math.ceil(size / BUFFER_GRANULE) * BUFFER_GRANULE;
    const release = await this.acquire(count * capacity);
    const buffers = Array.from({ length: count }, () => this.take(capacity));
    try {
      return await work(buffers.map((b) => b.subarray(0, size)));
    } finally {
      for (const b of buffers) this.keep(b);
      release();
    }
  }

  /** The smallest free buffer that fits, or a new one once free buffers beyond the budget are dropped. */
  private take(capacity: number): Buffer {
    let best = -1;
    this.free.forEach((b, i) => {
      if (
        b.length >= capacity &&
        b.length <= capacity + BUFFER_SLACK &&
        (best < 0 || b.length < this.free[best].length)
      )
        best = i;
    });
    if (best >= 0) {
      const [buffer] = this.free.splice(best, 1);
      this.freeBytes -= buffer.length;
      return buffer;
    }
    this.trim();
    // Shared memory: the MD5 thread reads a large file's parts where they are, without a copy.
    return Buffer.from(new SharedArrayBuffer(capacity));
  }

  private keep(buffer: Buffer): void {
    this.free.push(buffer);
    this.freeBytes += buffer.length;
  }

  /** Drops free buffers, oldest first, until those in use (or about to be) and those kept fit the limit. */
  private trim(): void {
    while (this.free.length > 0 && this.held + this.freeBytes > this.limit) this.freeBytes -= this.free.shift()!.length;
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
