import { Worker } from 'node:worker_threads';

/**
 * The thread's code, plain CommonJS so it runs the same compiled or under tsx. Each stream's MD5
 * is hash-wasm's, whose state can be saved and loaded (the checkpoint of a large file); messages of
 * one stream are handled in the order they were posted.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createMD5 } = require(${JSON.stringify(require.resolve('hash-wasm'))});
const streams = new Map();
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'open') {
      streams.set(m.stream, createMD5().then((h) => (m.state ? h.load(Buffer.from(m.state, 'base64')) : h.init(), h)));
      return parentPort.postMessage({ seq: m.seq });
    }
    const pending = streams.get(m.stream);
    // A digest or close ends the stream at once: an update posted after it finds nothing.
    if (m.op !== 'update') streams.delete(m.stream);
    const h = await pending;
    if (m.op === 'update') {
      h.update(new Uint8Array(m.buffer, m.offset, m.length));
      return parentPort.postMessage({ seq: m.seq, state: Buffer.from(h.save()).toString('base64') });
    }
    parentPort.postMessage({ seq: m.seq, hex: m.op === 'digest' ? h.digest('hex') : undefined });
  } catch (err) {
    parentPort.postMessage({ seq: m.seq, error: String(err && err.message || err) });
  }
});
`;

interface Reply {
  seq: number;
  state?: string;
  hex?: string;
  error?: string;
}

/** One file's MD5, computed on the thread: updates are taken in the order they are called. */
export interface Md5Stream {
  /** Hashes `piece` next and gives the state after it (base64). The piece must not change until this resolves. */
  update(piece: Buffer): Promise<string>;
  digest(): Promise<string>;
  close(): void;
}

interface Thread {
  worker: Worker;
  waiting: Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>;
  /** Streams opened on it and not yet digested or closed. */
  open: number;
}

/**
 * The MD5 of large files, on a thread of its own: on the worker's JavaScript thread it took a
 * third of the time of a large file's copy, while the machine's second core had room. The parts
 * are not copied to the thread: the byte budget's buffers live in shared memory. The thread
 * starts with the first large file and ends when no large file is being copied.
 */
export class Md5Thread {
  private current?: Thread;
  private seq = 0;
  private streams = 0;

  /** Starts a file's MD5, fresh or from a saved state. */
  open(state?: string): Md5Stream {
    const thread = this.thread();
    const stream = ++this.streams;
    thread.open += 1;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      thread.open -= 1;
      if (thread.open > 0) return;
      if (this.current === thread) this.current = undefined;
      void thread.worker.terminate();
    };
    void this.call(thread, { op: 'open', stream, state }).catch(() => undefined);
    return {
      update: async (piece) => {
        const message = { op: 'update', stream, buffer: piece.buffer, offset: piece.byteOffset, length: piece.length };
        return (await this.call(thread, message)).state!;
      },
      digest: () => this.call(thread, { op: 'digest', stream }).then((reply) => (end(), reply.hex!)),
      close: () => void this.call(thread, { op: 'close', stream }).then(end, end),
    };
  }

  private call(thread: Thread, message: Record<string, unknown>): Promise<Reply> {
    const seq = ++this.seq;
    return new Promise<Reply>((resolve, reject) => {
      thread.waiting.set(seq, { resolve, reject });
      thread.worker.postMessage({ ...message, seq });
    }).then((reply) => {
      if (reply.error) throw new Error(`MD5 thread: ${reply.error}`);
      return reply;
    });
  }

  private thread(): Thread {
    if (this.current) return this.current;
    const thread: Thread = { worker: new Worker(THREAD_SOURCE, { eval: true }), waiting: new Map(), open: 0 };
    thread.worker.on('message', (reply: Reply) => {
      thread.waiting.get(reply.seq)?.resolve(reply);
      thread.waiting.delete(reply.seq);
    });
    const fail = (err: Error) => {
      if (this.current === thread) this.current = undefined;
      for (const { reject } of thread.waiting.values()) reject(err);
      thread.waiting.clear();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`MD5 thread exited with code ${code}`)));
    this.current = thread;
    return thread;
  }
}
