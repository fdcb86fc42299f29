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
