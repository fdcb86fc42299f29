import { once } from 'node:events';
import { spawnStackScript } from './support/stack-process';

describe('npm run demo -- --once', () => {
  test('brings up the stack, migrates the sandbox library into MinIO with progress, prints the summary and exits 0', async () => {
    const demo = await spawnStackScript('local-stack/demo.ts', ['--once']);
    const { ports } = demo;
    try {
      const [code] = await once(demo.child, 'exit');
      const output = demo.output();
      expect({ code, tail: output.slice(-1500) }).toMatchObject({ code: 0 });
      expect(output).toContain(`HTTP API on http://127.0.0.1:${ports.api}`);
      // The web app is what the demo points a photographer to, before anything else it prints of the service.
      const webApp = output.indexOf(`Web app: http://127.0.0.1:${ports.api}/app`);
      expect(webApp).toBeGreaterThan(-1);
      expect(webApp).toBeLessThan(output.indexOf('HTTP API on'));
      expect(output).toMatch(/Overall\s+\|[█░]+\| \d+% \d+\/\d+ albums/);
      expect(output).toContain('Migration verified.');
      expect(output).toMatch(/files\s+\d+ planned: \d+ copied/);
      expect(output).toContain(
        `http://127.0.0.1:${ports.temporalUi}/namespaces/default/workflows/migrate-sandbox-photographer-demo-`,
      );
    } finally {
      await demo.cleanup();
    }
  }, 240_000);
});
