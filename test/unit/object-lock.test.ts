import { parseRetention } from '../../cli/bucket-command';
import { ObjectLockRetention } from '../../common/migration-input';
import { retainUntil } from '../../s3/object-lock';
import { type FileCheck, lockShortfall, protectionOf, protectionWords } from '../../state/documents';

const now = new Date('2026-12-06T12:00:00Z');
const check = (ok: boolean, retainUntil?: string): FileCheck => ({
  imageKey: 'K',
  key: 'k',
  ok,
  ...(retainUntil ? { lockMode: 'GOVERNANCE', retainUntil } : {}),
});

describe('Object Lock retention', () => {
  test('MODE:PERIOD as the CLI takes it; anything else refused with both modes explained', () => {
    expect(parseRetention('GOVERNANCE:30d')).toEqual({ mode: 'GOVERNANCE', days: 30 });
    expect(parseRetention('compliance:7y')).toEqual({ mode: 'COMPLIANCE', years: 7 });
    expect(() => parseRetention('GOVERNANCE')).toThrow(/COMPLIANCE: no one can .* not the AWS root account/);
    expect(() => parseRetention('LEGAL:3d')).toThrow(/MODE:PERIOD/);
  });

  test('a retention names days or years, not both, not neither', () => {
    expect(ObjectLockRetention.safeParse({ mode: 'GOVERNANCE', days: 1, years: 1 }).success).toBe(false);
    expect(ObjectLockRetention.safeParse({ mode: 'GOVERNANCE' }).success).toBe(false);
  });

  test('retain-until: days from now, years by the calendar', () => {
    expect(retainUntil({ mode: 'GOVERNANCE', days: 3 }, now).toISOString()).toBe('2026-12-09T12:00:00.000Z');
    expect(retainUntil({ mode: 'COMPLIANCE', years: 2 }, now).toISOString()).toBe('2028-12-06T12:00:00.000Z');
  });
});

describe("an album's protection, and whether it meets a requirement", () => {
  test('all verified files locked: the earliest date counts; unverified files do not', () => {
    const p = protectionOf([check(true, '2026-12-20T00:00:00Z'), check(true, '2026-12-10T00:00:00Z'), check(false)]);
    expect(p).toEqual({ files: 2, locked: 2, lockModes: ['GOVERNANCE'], lockedUntil: '2026-12-10T00:00:00Z' });
    expect(lockShortfall(p, 3, now)).toBeUndefined();
    expect(lockShortfall(p, 4, now)).toBe('its earliest lock ends 2026-12-10, 3 days from now (at least 4 required)');
    expect(protectionWords(p)).toBe('Object Lock (GOVERNANCE) on every file until 2026-12-10 at least');
  });

  test('one file unlocked, or no record: the requirement is not met, saying why', () => {
    const p = protectionOf([check(true, '2026-12-20T00:00:00Z'), check(true)]);
    expect(p.lockedUntil).toBeUndefined();
    expect(lockShortfall(p, 0, now)).toBe('1 of its 2 verified files have no Object Lock');
    expect(protectionWords(p)).toBe('Object Lock on 1 of 2 files only');
    expect(lockShortfall(undefined, 0, now)).toMatch(/recorded no Object Lock/);
  });
});
