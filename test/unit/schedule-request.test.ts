import { CreateScheduleRequest } from '../../api/schemas';

const request = (extra: Record<string, unknown>) =>
  CreateScheduleRequest.safeParse({ account: 'jane', target: { bucket: 'my-bucket' }, ...extra });

describe('a schedule request', () => {
  test('reads cron expressions in an IANA zone, and refuses a zone that does not exist', () => {
    expect(request({ cron: '0 3 * * *', timeZone: 'Europe/Paris' }).success).toBe(true);
    const bad = request({ cron: '0 3 * * *', timeZone: 'Mars/Olympus' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['timeZone']);
  });

  test('needs exactly one of every and cron, and an interval longer than zero', () => {
    expect(request({ every: '24h' }).success).toBe(true);
    expect(request({}).success).toBe(false);
    expect(request({ every: '24h', cron: '0 3 * * *' }).success).toBe(false);
    expect(request({ every: '0s' }).success).toBe(false);
  });

  test('refuses a deletion field: deletion is never scheduled', () => {
    expect(request({ every: '24h', deletion: { enabled: true } }).success).toBe(false);
  });
});
