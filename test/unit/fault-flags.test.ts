import { parseFaultFlag } from '../../smugmug-sandbox/faults';

describe('--fault flags of npm run sandbox', () => {
  test('kind, count, target and path are read; the rest takes the defaults', () => {
    expect(parseFaultFlag('reset:2@media~i-AbC')).toMatchObject({
      kind: 'reset',
      times: 2,
      target: 'media',
      pathContains: 'i-AbC',
    });
    expect(parseFaultFlag('rate-limit')).toMatchObject({
      kind: 'rate-limit',
      times: 1,
      target: 'any',
      retryAfterSeconds: 1,
    });
  });

  test('an unknown kind or a malformed flag is refused with a message naming the flag', () => {
    expect(() => parseFaultFlag('explode')).toThrow(/--fault explode: .*kind/s);
    expect(() => parseFaultFlag('reset:two')).toThrow(/expected kind\[:times\]/);
  });
});
