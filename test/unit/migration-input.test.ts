import { MigrationInput } from '../../common/migration-input';

const parse = (prefix: string) =>
  MigrationInput.safeParse({ migrationId: 'x', account: 'jane', target: { bucket: 'my-bucket', prefix } });

describe('the target prefix', () => {
  test('refuses empty, "." and ".." segments and control characters, naming the problem', () => {
    for (const bad of ['../x', 'a//b', './x', '/lead', 'a/../b', 'a/.', '..', 'new\nline', 'x//']) {
      const result = parse(bad);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].path).toEqual(['target', 'prefix']);
    }
    expect(parse('../x').error!.issues[0].message).toContain('".."');
    expect(parse('a//b').error!.issues[0].message).toContain('empty folder name');
    expect(parse('tab\there').error!.issues[0].message).toContain('control characters');
  });

  test('keeps what it says it keeps: one trailing "/" dropped, names NFC-normalised, nothing else rewritten', () => {
    expect(parse('photos/').data!.target.prefix).toBe('photos');
    expect(parse('').data!.target.prefix).toBe('');
    expect(parse('Reisen/Cre\u0300me').data!.target.prefix).toBe('Reisen/Crème'.normalize('NFC'));
    expect(parse('a.b/..c/d..').data!.target.prefix).toBe('a.b/..c/d..');
  });
});

describe('previews', () => {
  test('are on unless the migration turns them off', () => {
    expect(parse('p').data!.target.previews).toBe(true);
    const off = MigrationInput.parse({
      migrationId: 'x',
      account: 'jane',
      target: { bucket: 'my-bucket', previews: false },
    });
    expect(off.target.previews).toBe(false);
  });
});

describe('durations', () => {
  const withTimeout = (approvalTimeout: string) =>
    MigrationInput.safeParse({
      migrationId: 'x',
      account: 'jane',
      target: { bucket: 'my-bucket' },
      deletion: { enabled: true, approvalTimeout },
    });

  test('takes what Temporal reads: a number, spaces at most, a unit', () => {
    for (const good of ['90s', '2 hours', '7 days', '1.5h', '500ms'])
      expect(withTimeout(good).data?.deletion.approvalTimeout).toBe(good);
  });

  test('refuses other white space, zero and absurd lengths, as a field problem rather than a failure later', () => {
    for (const bad of ['847.9\u000b\n\rminutes', '7\tdays', '0s', '99999999d', 'soon']) {
      const result = withTimeout(bad);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].path).toEqual(['deletion', 'approvalTimeout']);
    }
  });
});
