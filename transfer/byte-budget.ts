/** The budget's memory is handed out in whole MiB: a photo of 4.2 MB takes 5 of them. */
const GRANULE = 2 ** 20;

interface Grant {
  memory: Buffer;
  release: () => void;
}

interface Waiter {
  granules: number;
  grant: (granted: Grant) => void;
}

/**
 * A worker-wide bound on the bytes held in memory by transfers, and the memory that holds them:
 * small files are read whole and large files a part at a time, so without it memory grows with
 * concurrency × file size. All of it is one block of MEMORY_BUDGET_MB, allocated once and handed
 * out in runs of whole MiB: nothing is allocated per file or part, so nothing waits for the
 * garbage collector (buffers allocated per file and dropped when sizes changed held up to twice the
 * budget until a full collection; allocating per file had made collection a fifth of the worker's
 * CPU). The block is shared memory, so the MD5 thread reads a large file's parts where they are.
 * Waiters are served in order; a request larger than the whole budget waits until nothing else is
 * held, then gets memory of its own.
 */
export class ByteBudget {
  private block?: Buffer;
  /** Per MiB of the block: held or not. */
  private readonly taken: Uint8Array;
  private readonly waiting: Waiter[] = [];

  constructor(limit: number) {
    this.taken = new Uint8Array(Math.max(1, Math.floor(limit / GRANULE)));
  }

  /** Runs `work` with `count` buffers of exactly `size` bytes, held within the budget, given back after. */
  async withBuffers<T>(count: number, size: number, work: (buffers: Buffer[]) => Promise<T>): Promise<T> {
    const each = Math.ceil(size / GRANULE) * GRANULE;
    const { memory, release } = await this.reserve((count * each) / GRANULE);
    try {
      return await work(Array.from({ length: count }, (_, i) => memory.subarray(i * each, i * each + size)));
    } finally {
      release();
    }
  }

  private reserve(granules: number): Promise<Grant> {
    return new Promise((grant) => {
      this.waiting.push({ granules, grant });
      this.drain();
    });
  }

  /** Grants waiters in order while the first one's run of MiB is free. */
  private drain(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      const oversized = next.granules > this.taken.length;
      const at = oversized ? (this.taken.includes(1) ? -1 : 0) : this.freeRun(next.granules);
      if (at < 0) return;
      this.waiting.shift();
      const run = oversized ? this.taken.length : next.granules;
      this.taken.fill(1, at, at + run);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.taken.fill(0, at, at + run);
        this.drain();
      };
      // Beyond the whole budget: memory of its own, held alone, collected after.
      const memory = oversized
        ? Buffer.from(new SharedArrayBuffer(next.granules * GRANULE))
        : this.blockOf().subarray(at * GRANULE, (at + run) * GRANULE);
      next.grant({ memory, release });
    }
  }

  /** The first free run of `granules` MiB, or -1. */
  private freeRun(granules: number): number {
    let start = 0;
    for (let i = 0; i < this.taken.length; i++) {
      if (this.taken[i]) start = i + 1;
      else if (i - start + 1 === granules) return start;
    }
    return -1;
  }

  private blockOf(): Buffer {
    // Allocated at first use: a worker that copies nothing holds none of it.
    this.block ??= Buffer.from(new SharedArrayBuffer(this.taken.length * GRANULE));
    return this.block;
  }
}
