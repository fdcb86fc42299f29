import type { Part } from '@aws-sdk/client-s3';
import type { Checkpoint } from '../state/documents';

/** The whole file's hashes up to the end of a part: the MD5's saved state and the running CRC32. */
export interface PartHashes {
  md5State: string;
  crc32: number;
}

/**
 * Where a large file's copy stands: parts finish out of order, and the checkpoint moves only over
 * a gap-free run of finished parts, with the hashes at that point, so a crash resumes at the
 * first part not yet safely stored. Checkpoint writes go one after another, never blocking a part.
 */
export class PartProgress {
  private readonly finished = new Map<number, { part: Part[]; end: number; hashes: PartHashes }>();
  private saving = Promise.resolve();
  failure: unknown;

  constructor(
    private readonly cp: Checkpoint,
    /** The parts stored so far, one list per destination (the bucket, the replica). */
    private readonly parts: Part[][],
    private readonly save: (snapshot: Checkpoint) => Promise<void>,
    /** Told each time the checkpoint moves on (the activity heartbeats). */
    private readonly onAdvance: (cp: Checkpoint) => void,
  ) {}

  fail(err: unknown): void {
    this.failure ??= err;
  }

  /** A part stored in every destination (`part`: as each of them answered). */
  finish(number: number, part: Part[], end: number, hashes: PartHashes): void {
    this.finished.set(number, { part, end, hashes });
    const { cp } = this;
    let moved = false;
    for (let next = this.finished.get(cp.nextPart); next; next = this.finished.get(cp.nextPart)) {
      this.finished.delete(cp.nextPart);
      next.part.forEach((p, i) => this.parts[i].push(p));
      cp.nextPart += 1;
      cp.bytesDone = next.end;
      cp.md5State = next.hashes.md5State;
      cp.crc32 = next.hashes.crc32;
      moved = true;
    }
    if (!moved) return;
    const snapshot = { ...cp };
    this.saving = this.saving.then(() => this.save(snapshot)).catch((err: unknown) => this.fail(err));
    this.onAdvance(cp);
  }

  /** Waits for the last checkpoint write; throws the first failure of any part or write. */
  async settle(): Promise<void> {
    await this.saving;
    if (this.failure) throw this.failure;
  }
}

/**
 * The MD5 takes a file's parts strictly in order while slots read and send them out of order:
 * each part takes a turn when it is given its number, and posts its bytes to the MD5 only once the
 * turn before it has; a failed turn fails every turn after it.
 */
export class Md5Turns {
  private last: Promise<void> = Promise.resolve();

  /** The next turn: `ready` resolves when the previous part was posted; `end` (once) lets the next go. */
  next(): { ready: Promise<void>; end: (err?: unknown) => void } {
    const ready = this.last;
    let end!: (err?: unknown) => void;
    this.last = new Promise<void>((resolve, reject) => (end = (err) => (err ? reject(err) : resolve())));
    this.last.catch(() => undefined);
    return { ready, end };
  }
}
