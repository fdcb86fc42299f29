import { createRoute, z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { cors } from 'hono/cors';
import type { MiddlewareHandler } from 'hono';
import { newRouter } from '../openapi';
import { ErrorBody } from '../schemas';

/** Payloads as the Temporal UI and CLI send them to a remote codec: proto JSON, bytes in base64. */
const WirePayloads = z
  .object({
    payloads: z
      .array(
        z
          .object({ metadata: z.record(z.string(), z.base64()).default({}), data: z.base64().default('') })
          .openapi('WirePayload'),
      )
      .max(1000),
  })
  .openapi('WirePayloads');
type WirePayloads = z.infer<typeof WirePayloads>;

const fromWire = (wire: WirePayloads): Payload[] =>
  wire.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  }));
const toWire = (payloads: Payload[]): WirePayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  })),
});

const codecRoute = (path: '/encode' | '/decode', summary: string) =>
  createRoute({
    method: 'post',
    path,
    summary,
    tags: ['codec'],
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: WirePayloads } }, required: true } },
    responses: {
      200: {
        content: { 'application/json': { schema: WirePayloads } },
        description: 'The payloads, encoded or decoded',
      },
      400: {
        content: { 'application/json': { schema: ErrorBody } },
        description: 'Not payloads, or not decodable with these keys',
      },
      401: { content: { 'application/json': { schema: ErrorBody } }, description: 'Missing or wrong bearer token' },
    },
  });

/**
 * The remote codec of the Temporal UI (Settings → Codec Server, or `temporal server start-dev
 * --ui-codec-endpoint`): decodes the encrypted payloads of a history for those holding the API
 * token. Browsers may call it from the Temporal UI's origin only.
 */
export function codecRoutes(opts: { codec: PayloadCodec; uiOrigin: string; requireToken: MiddlewareHandler }) {
  const app = newRouter();
  app.use(
    '*',
    cors({
      origin: opts.uiOrigin,
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      credentials: true,
      maxAge: 600,
    }),
  );
  app.use('*', opts.requireToken);
  const run = async (work: () => Promise<Payload[]>) => {
    try {
      return { ok: true as const, payloads: toWire(await work()) };
    } catch (err) {
      return { ok: false as const, message: (err as Error).message };
    }
  };
  app.openapi(codecRoute('/decode', 'Decrypt payloads (for the Temporal UI)'), async (c) => {
    const result = await run(() => opts.codec.decode(fromWire(c.req.valid('json'))));
    return result.ok
      ? c.json(result.payloads, 200)
      : c.json({ error: { code: 'undecodable', message: result.message } }, 400);
  });
  app.openapi(codecRoute('/encode', 'Encrypt payloads (for the Temporal UI and CLI)'), async (c) => {
    const result = await run(() => opts.codec.encode(fromWire(c.req.valid('json'))));
    return result.ok
      ? c.json(result.payloads, 200)
      : c.json({ error: { code: 'unencodable', message: result.message } }, 400);
  });
  return app;
}
