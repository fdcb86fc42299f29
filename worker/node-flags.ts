/**
 * The Node.js flags every worker process runs with (Dockerfile, docker-compose.yml, `npm run worker`,
 * `npm start`, the bench, the production suite; a unit test keeps them equal).
 *
 * `--max-old-space-size=512`: V8 runs a full, memory-reducing collection whenever external memory
 * (Buffers: every socket read allocates one) has grown by half the old-space limit since the last
 * one. At 96 MB that was every 48 MB of bytes copied, several times a second, and the worker's
 * largest CPU cost; at 512 MB it is every 256 MB. The heap itself stays far below either. Measured
 * 2026-12-03 (`BENCH_WORKER_NODE_FLAGS=… npm run bench -- --loopback --only photos`, worker CPU s for
 * 4.9 GB, peak RSS): 96 MB 26.5 s, 448 MB; 512 MB 23.1 s, 458 MB; 1024 MB 20.0 s, 547 MB.
 *
 * `--max-semi-space-size=1` (MB, default 16): a young generation that fills every MB is swept
 * every few hundred socket reads, so the read chunks, which die at once, are freed while they are
 * still in the CPU's cache instead of piling up until a full collection. Measured 2026-12-07
 * (`npm run bench -- --wan --only photos --service-only`, one run each): worker CPU 29–37 s → 21–22 s
 * for 4.9 GB, idle RSS 182 → 148 MB; 1 and 2 MB alike, 1 holds less.
 *
 * `--single-threaded-gc`: the collector works on the worker's own thread instead of handing each of
 * those frequent, small collections to helper threads. The helpers' hand-offs cost more than they
 * saved: on WAN videos they spent 3–4 CPU s of the worker's ~19, and the worker's CPU is what copies
 * compete for (on two cores the sandbox and MinIO share them). Measured 2026-12-07 (service only,
 * worker CPU s per run, 3.2 GB videos / 4.9 GB photos): WAN videos 18.8–20.3 (6 runs) → 16.5–20.3
 * (4 runs, mean −6 %); loopback photos 20.6 → 18.3; WAN photos 19.4 → 19.0; loopback videos alike.
 */
export const WORKER_NODE_FLAGS = [
  '--max-old-space-size=512',
  '--max-semi-space-size=1',
  '--single-threaded-gc',
] as const;

/**
 * glibc's allocator settings of every worker process (its environment where it starts; ignored
 * elsewhere). One arena per thread (the SDK's core, libuv's, the MD5 thread) kept memory each had
 * once used, and a free of a large block raised the size below which blocks come from those arenas
 * instead of their own mappings, so freed socket chunks stayed resident. Measured 2026-12-07 (WAN
 * photos, service only): peak RSS 352 → 320 MB, same CPU.
 */
export const WORKER_MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;
