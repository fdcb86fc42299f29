import { finished } from 'node:stream/promises';
import type { PlanEntry } from '../state/documents';
import type { SmugMugClient, SmugMugResponse } from '../smugmug/client';

/** Fills `into` (exactly one part's length) from `start`, and says how many bytes came (fewer: the file ended early). */
export type ReadPart = (start: number, into: Buffer) => Promise<number>;

/**
 * How a large file's parts are read. Where SmugMug honours ranges, each part is a GET of its own
 * range, so several parts arrive at once over connections of their own: a distant server's
 * per-connection throughput is multiplied by the parts in flight. Where it does not (it answers
 * the first range with the whole file), the parts are cut from that one stream, in order.
 */
export async function partReader(
  smugmug: SmugMugClient,
  entry: PlanEntry,
  first: { start: number; size: number },
  signal: AbortSignal,
): Promise<ReadPart> {
  const opening = await smugmug.download(entry.url, {
    from: first.start,
    to: Math.min(first.start + first.size, entry.size) - 1,
    signal,
  });
  if (opening.statusCode === 200) return sequentialReader(opening);

  let opened: SmugMugResponse | undefined = opening;
  return async (start, into) => {
    const expected = into.length;
    const res =
      opened && start === first.start
        ? opened
        : await smugmug.download(entry.url, { from: start, to: start + expected - 1, signal });
    if (res === opened) opened = undefined;
    return readInto(res, into, `asked for at offset ${start}`);
  };
}

/**
 * Reads a whole answer into `into` and says how many bytes came (fewer: it ended early). An answer
 * longer than `into` is not the file as planned: it is cut off and refused. Each chunk is copied as
 * the stream emits it: an async iterator costs a promise per chunk, and a distant server's bytes
 * come in many small chunks (measured: a sixth of the worker's CPU on WAN photos).
 */
export async function readInto(res: SmugMugResponse, into: Buffer, expected: string): Promise<number> {
  let filled = 0;
  let tooLong = false;
  const body = res.body;
  body.on('data', (chunk: Buffer) => {
    if (tooLong) return;
    if (filled + chunk.length > into.length) {
      tooLong = true;
      body.destroy();
      return;
    }
    chunk.copy(into, filled);
    filled += chunk.length;
  });
  try {
    await finished(body);
  } catch (err) {
    if (!tooLong) throw err;
  }
  if (tooLong) throw new Error(`SmugMug sent more than the ${into.length} bytes ${expected}`);
  return filled;
}

/** Parts cut in order from one response of the whole file; concurrent reads are served one after another. */
function sequentialReader(res: SmugMugResponse): ReadPart {
  const chunks = res.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // What a chunk held beyond the part it ended: the start of the next part.
  let rest: Buffer | undefined;
  const fill = async (into: Buffer): Promise<number> => {
    let filled = 0;
    while (filled < into.length) {
      let chunk = rest;
      rest = undefined;
      if (!chunk) {
        const next = await chunks.next();
        if (next.done) break;
        chunk = next.value;
      }
      const take = Math.min(into.length - filled, chunk.length);
      chunk.copy(into, filled, 0, take);
      filled += take;
      if (take < chunk.length) rest = chunk.subarray(take);
    }
    return filled;
  };
  let turn = Promise.resolve();
  return (_start, into) => {
    const read = turn.then(() => fill(into));
    turn = read.then(
      () => undefined,
      () => undefined,
    );
    return read;
  };
}
