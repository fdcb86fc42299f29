import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../local-stack/paths';

describe('npm run bench -- --quick', () => {
  test('times the service, the two-step way, the upload-only ceilings (aws, s5cmd) and rclone on both workloads and writes the figures as JSON and a chart', async () => {
    const out = await mkdtemp(join(tmpdir(), 'smugmug-s3-bench-out-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--quick', '--out', out], {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const [code] = await once(child, 'exit');
      if (code !== 0) throw new Error(`npm run bench -- --quick exited ${code}:\n${output.slice(-4000)}`);

      const report = JSON.parse(await readFile(join(out, 'bench-quick-latest.json'), 'utf8'));
      expect(report).toMatchObject({ mode: 'quick', machine: { cpus: expect.any(Number) } });
      expect(report.workloads.map((w: { network: string; name: string }) => `${w.network} ${w.name}`)).toEqual([
        'loopback photos',
        'loopback videos',
      ]);
      for (const w of report.workloads) {
        expect(w.files).toBeGreaterThan(0);
        for (const tool of ['service', 'twoStep', 'uploadOnly', 'uploadOnlyS5cmd', 'rclone']) {
          expect(w.results[tool]).toMatchObject({
            seconds: expect.any(Number),
            mbPerSecond: expect.any(Number),
            filesPerSecond: expect.any(Number),
          });
          expect(w.results[tool].mbPerSecond).toBeGreaterThan(0);
        }
        expect(w.results.service.workerPeakRssMB).toBeGreaterThan(0);
        expect(w.results.service.temporalEventsPer1000Files).toBeGreaterThan(0);
        for (const key of [
          'filesPerSecondVsTwoStep',
          'filesPerSecondVsRclone',
          'mbPerSecondVsRclone',
          'mbPerSecondVsUploadOnly',
          'mbPerSecondVsS5cmd',
          'workerCpuSecondsPerGB',
          'rcloneCpuSecondsPerGB',
        ])
          expect(w.ratios[key]).toBeGreaterThan(0);
      }
      expect(await readFile(join(out, 'bench-quick-latest.svg'), 'utf8')).toMatch(/^<svg[\s\S]*MB\/s/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
