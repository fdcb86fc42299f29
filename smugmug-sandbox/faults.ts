import { z } from 'zod';

/**
 * A fault the sandbox injects into the next matching responses:
 * - rate-limit: 429 with Retry-After and X-RateLimit headers;
 * - server-error: a 5xx with SmugMug's error body;
 * - html-error: a 5xx whose body is an HTML page, as SmugMug's front end sometimes answers;
 * - not-found: a spurious 404 (seen on later pages of real listings);
 * - reset: the connection is reset after `afterBytes` bytes of the body;
 * - truncate: the body ends cleanly after `afterBytes` bytes, with status 200 and no Content-Length;
 * - corrupt: the full body with one byte changed, so only a checksum can tell;
 * - applied-then-504: a write (an upload, a PATCH, a new folder or album) is applied, then answered
 *   504, as SmugMug was seen to do: the client cannot tell it landed;
 * - upload-system-error: the Uploader's `stat: "fail"` code 5 "system error", with HTTP 200, nothing applied.
 */
export const FaultRule = z.object({
  kind: z.enum([
    'rate-limit',
    'server-error',
    'html-error',
    'not-found',
    'reset',
    'truncate',
    'corrupt',
    'applied-then-504',
    'upload-system-error',
  ]),
  /** `upload`: the Uploader (POST /upload/); `api` includes the API's writes. */
  target: z.enum(['api', 'media', 'upload', 'any']).default('any'),
  /** Only requests whose path contains this text (an ImageKey, `!images`, …). */
  pathContains: z.string().optional(),
  /** How many matching requests get the fault. */
  times: z.number().int().positive().default(1),
  /** Fires on every Nth matching request only, to spread faults over a run (1: every one). */
  every: z.number().int().positive().default(1),
  status: z.number().int().min(500).max(599).default(503),
  retryAfterSeconds: z.number().int().min(0).default(1),
  /** Body bytes sent before a reset or truncation (default: half the body). */
  afterBytes: z.number().int().min(0).optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

export type RequestTarget = 'api' | 'media' | 'upload';

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
  seen: number;
}

/** What tests read to see what the sandbox did. */
export interface Counters {
  requests: { total: number; api: number; media: number; oauth: number };
  byStatus: Record<string, number>;
  mediaRequestsByImage: Record<string, number>;
  bytesServedByImage: Record<string, number>;
  /** Medium renditions (previews) served, per image: apart from the originals' counters above. */
  previewsServedByImage: Record<string, number>;
  /** Media downloads open now, and the most open at once (a client's concurrency). */
  mediaInFlight: number;
  mediaInFlightPeak: number;
  deletions: Array<{ imageKey: string; albumKey?: string; at: string }>;
  /** Every upload the Uploader applied (an image made), and every one it refused with its code. */
  uploads: Array<{ fileName: string; albumKey: string; imageKey?: string; md5: string; code?: number }>;
  faultsFired: Record<string, number>;
}

export function emptyCounters(): Counters {
  return {
    requests: { total: 0, api: 0, media: 0, oauth: 0 },
    byStatus: {},
    mediaRequestsByImage: {},
    bytesServedByImage: {},
    previewsServedByImage: {},
    mediaInFlight: 0,
    mediaInFlightPeak: 0,
    deletions: [],
    uploads: [],
    faultsFired: {},
  };
}

/** The armed fault rules; each fires for its next `times` matching requests, then disarms. */
export class FaultInjector {
  private active: ActiveFault[] = [];

  add(rule: FaultRule): void {
    this.active.push({ rule, remaining: rule.times, seen: 0 });
  }

  clear(): void {
    this.active = [];
  }

  list(): Array<FaultRule & { remaining: number }> {
    return this.active.map(({ rule, remaining }) => ({ ...rule, remaining }));
  }

  /** Takes one firing of the first rule that matches this request and is due, if any. */
  take(target: RequestTarget, path: string): FaultRule | undefined {
    const matching = this.active.filter(
      ({ rule }) =>
        (rule.target === 'any' || rule.target === target) && (!rule.pathContains || path.includes(rule.pathContains)),
    );
    for (const f of matching) f.seen += 1;
    const hit = matching.find((f) => f.seen % f.rule.every === 0);
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.active = this.active.filter((f) => f !== hit);
    return hit.rule;
  }
}

/** Parses the `--fault kind[:times][@target][~pathContains]` command-line form, e.g. `reset:2@media`. */
export function parseFaultFlag(flag: string): FaultRule {
  const m = /^([a-z-]+)(?::(\d+))?(?:@(api|media|any))?(?:~(.+))?$/.exec(flag);
  if (!m)
    throw new Error(`--fault ${flag}: expected kind[:times][@api|media|any][~pathContains], e.g. rate-limit:3@api`);
  const parsed = FaultRule.safeParse({
    kind: m[1],
    times: m[2] ? Number(m[2]) : undefined,
    target: m[3],
    pathContains: m[4],
  });
  if (!parsed.success) throw new Error(`--fault ${flag}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
