import { z } from 'zod';
import { type Counters, type FaultInjector, FaultRule } from './faults';
import { LibraryOptions, type SandboxLibrary } from './library';
import type { AccessToken, OAuthProvider } from './oauth-server';

export const SandboxOptions = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  mediaDir: z.string(),
  library: LibraryOptions.default(LibraryOptions.parse({})),
  consumerKey: z.string().default('sandbox-api-key'),
  consumerSecret: z.string().default('sandbox-api-secret'),
  defaultPageSize: z.number().int().positive().default(50),
  /** Server-side cap on `count`; larger requests are clamped (RequestedCount says so). */
  maxPageSize: z.number().int().positive().default(100),
  /** Requests per user and app in one window, as SmugMug's X-RateLimit headers describe. */
  rateLimit: z
    .object({ requests: z.number().int().positive(), windowSeconds: z.number().positive() })
    .default({ requests: 100_000, windowSeconds: 60 }),
  /** Media (ArchivedUri) requests must be OAuth-signed too, as private originals are. */
  requireSignedMedia: z.boolean().default(true),
  faults: z.array(FaultRule).default([]),
  /** Caps how fast originals are served, to behave like a real link (unset: as fast as the disk). */
  mediaBytesPerSecond: z.number().int().positive().optional(),
  /** A wait before each original's response (a distant server's first byte), in ms. */
  mediaFirstByteMs: z.number().int().min(0).default(0),
  /** A wait before each API or OAuth response (a distant server's round trips), in ms. */
  apiLatencyMs: z.number().int().min(0).default(0),
  /**
   * More accounts (a studio's second one): each sees the library as its own. The owner's approval on
   * the authorize page comes from whoever is signed in (POST /__sandbox/signed-in); a token reads its
   * own account's user only.
   */
  otherAccounts: z.array(z.string().min(1)).default([]),
});
export type SandboxOptions = z.input<typeof SandboxOptions>;

/** The tokens the sandbox trusts from the start, so tools can skip the PIN flow. */
export interface SandboxCredentials {
  consumerKey: string;
  consumerSecret: string;
  fullModify: AccessToken;
  fullRead: AccessToken;
  publicRead: AccessToken;
}

/** What every part of the sandbox's server works with: its options, its library, its OAuth, its faults and counters. */
export interface SandboxContext {
  options: z.output<typeof SandboxOptions>;
  library: SandboxLibrary;
  oauth: OAuthProvider;
  credentials: SandboxCredentials;
  faults: FaultInjector;
  /** Replaced whole when a test resets them. */
  counters: Counters;
  /** The server's own address, known once it listens. */
  baseUrl: string;
  /** Who approves on the authorize page: an account of `otherAccounts`; unset, the library's owner. */
  signedIn?: string;
}

/** A refusal, answered as SmugMug answers it (its status, message and headers). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Adds `n` to a counter of a record of counters. */
export function countIn(record: Record<string, number>, key: string, n = 1): void {
  record[key] = (record[key] ?? 0) + n;
}
