import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { countIn, HttpError, type SandboxContext } from './context';
import type { FaultRule } from './faults';

/** A request body read whole, up to `limit` bytes (413 beyond). */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Paces a stream to `bytesPerSecond`. */
export function throttled(bytesPerSecond: number): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const wait = (sent / bytesPerSecond) * 1000 - (Date.now() - started);
      setTimeout(() => done(null, chunk), Math.max(0, wait));
    },
  });
}

/** Cuts or corrupts a body on its way out, as the armed fault says, and counts the bytes. */
function faultyBody(
  fault: FaultRule | undefined,
  total: number,
  onBytes: (n: number) => void,
  onCut: () => void,
): Transform {
  const cutAt =
    fault && (fault.kind === 'reset' || fault.kind === 'truncate')
      ? (fault.afterBytes ?? Math.floor(total / 2))
      : Infinity;
  const corruptAt = fault?.kind === 'corrupt' ? Math.floor(total / 2) : -1;
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (sent >= cutAt) return done();
      let out = chunk.length > cutAt - sent ? chunk.subarray(0, cutAt - sent) : chunk;
      if (corruptAt >= sent && corruptAt < sent + out.length) {
        out = Buffer.from(out);
        out[corruptAt - sent] ^= 0xff;
      }
      sent += out.length;
      onBytes(out.length);
      this.push(out);
      if (sent >= cutAt) onCut();
      done();
    },
  });
}

/** How the sandbox's routes answer: every answer counted by status, every body through the armed fault. */
export class Responses {
  constructor(private readonly sandbox: SandboxContext) {}

  /** A JSON body (`_pretty` for people), through the armed fault. */
  json(
    res: ServerResponse,
    status: number,
    body: unknown,
    url: URL,
    fault?: FaultRule,
    headers: Record<string, string> = {},
  ): void {
    const text = Buffer.from(url.searchParams.has('_pretty') ? JSON.stringify(body, null, 2) : JSON.stringify(body));
    void this.buffer(res, status, text, 'application/json; charset=utf-8', fault, headers);
  }

  /** A body held in memory. */
  buffer(
    res: ServerResponse,
    status: number,
    body: Buffer,
    type: string,
    fault: FaultRule | undefined,
    headers: Record<string, string>,
  ): Promise<void> {
    return this.stream(res, {
      status,
      open: () => Readable.from([body]),
      length: body.length,
      type,
      fault,
      headers,
      onBytes: () => undefined,
    });
  }

  /** Writes a body of known length, applying a reset/truncate/corrupt fault on the way. */
  async stream(
    res: ServerResponse,
    body: {
      status: number;
      open: () => Readable;
      length: number;
      type: string;
      fault: FaultRule | undefined;
      headers: Record<string, string>;
      onBytes: (n: number) => void;
      pace?: () => Transform;
    },
  ): Promise<void> {
    const { status, fault } = body;
    countIn(this.sandbox.counters.byStatus, String(status));
    res.statusCode = status;
    res.setHeader('Content-Type', body.type);
    for (const [k, v] of Object.entries(body.headers)) res.setHeader(k, v);
    // A truncated body says nothing about its length, so only a size/MD5 check can catch it.
    if (fault?.kind !== 'truncate') res.setHeader('Content-Length', String(body.length));
    if (res.req.method === 'HEAD') return void res.end();
    const socket = res.req.socket;
    const out = faultyBody(fault, body.length, body.onBytes, () => {
      if (fault?.kind === 'reset') setImmediate(() => socket.resetAndDestroy());
    });
    try {
      if (body.pace) await pipeline(body.open(), body.pace(), out, res);
      else await pipeline(body.open(), out, res);
    } catch {
      // The client went away or the fault cut the connection; nothing more to send.
    }
  }
}
