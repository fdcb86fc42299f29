import type { SandboxOptions } from '../smugmug-sandbox/server';

export const MB = 1e6;

/** How the sandbox serves SmugMug: as fast as this machine can, or shaped like SmugMug across the internet. */
export type NetworkName = 'loopback' | 'wan';

export type NetworkShape = Pick<SandboxOptions, 'mediaBytesPerSecond' | 'mediaFirstByteMs' | 'apiLatencyMs'>;

export const NETWORKS: Record<NetworkName, NetworkShape> = {
  loopback: {},
  wan: {
    // What one TCP connection to a distant CDN carries (its window over tens of ms of round trip),
    // so a file read over one connection takes size ÷ 25 MB/s whatever the machine can do.
    mediaBytesPerSecond: 25 * MB,
    // A CDN's first byte across a continent, on a connection already open.
    mediaFirstByteMs: 60,
    // SmugMug's API answers in about this long from Europe and the US (signed, JSON, one page).
    apiLatencyMs: 120,
  },
};

/**
 * S3 is not shaped: the service is meant to run near the bucket (in its region, a few ms from S3),
 * and a shaping proxy in the bench's process would spend the same two cores every contender needs.
 */
export const S3_SHAPE_NOTE = 'S3 (MinIO) unshaped: workers run near the bucket; a proxy would take the CPU measured';

/**
 * Each tool's concurrency on a network: its own default (what a person gets without reading the
 * manual) and a tuned one. On loopback the comparison keeps the settings of earlier runs, so the
 * figures in bench/results-history/ stay comparable.
 */
export const CONCURRENCY: Record<
  NetworkName,
  { curlDownloads: { default: number; tuned?: number }; rcloneTransfers: { default: number; tuned?: number } }
> = {
  loopback: { curlDownloads: { default: 8 }, rcloneTransfers: { default: 8 } },
  // curl fetches one file after another unless told --parallel; rclone's --transfers defaults to 4.
  wan: { curlDownloads: { default: 1, tuned: 16 }, rcloneTransfers: { default: 4, tuned: 16 } },
};
