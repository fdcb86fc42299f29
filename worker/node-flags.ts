/**
 * The Node.js flag every worker process runs with (Dockerfile, docker-compose.yml, the bench, the
 * production suite; a unit test keeps them equal).
 *
 * V8 runs a full, memory-reducing collection whenever external memory (Buffers: every socket read
 * allocates one) has grown by half the old-space limit since the last one. At 96 MB that was every
 * 48 MB of bytes copied, several times a second, and the worker's largest CPU cost. At 512 MB it is
 * every 256 MB; the JavaScript heap itself stays far below either. Measured 2026-12-03 with
 * `BENCH_WORKER_NODE_FLAGS=… npm run bench -- --loopback --only photos` (worker CPU s for 4.9 GB,
 * peak RSS; one run each, rclone 24.8–26.8 CPU s in the same runs): 96 MB 26.5 s, 448 MB;
 * 512 MB 23.1 s, 458 MB; 1024 MB 20.0 s, 547 MB; 2048 MB 16.9 s, 1.58 GB. 512 costs no memory.
 */
export const WORKER_HEAP_FLAG = '--max-old-space-size=512';
