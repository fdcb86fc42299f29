import { isTlsOnlyStatement } from '../../s3/bucket-checks';

describe('the TLS-only policy statement', () => {
  const written = {
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
  test('is found as written, and as MinIO gives it back (lists of one)', () => {
    expect(isTlsOnlyStatement(written)).toBe(true);
    expect(
      isTlsOnlyStatement({
        Effect: 'Deny',
        Principal: { AWS: ['*'] },
        Action: ['s3:*'],
        Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
      }),
    ).toBe(true);
  });
  test('a statement that lets plain HTTP through in any way is not it', () => {
    expect(isTlsOnlyStatement({ ...written, Effect: 'Allow' })).toBe(false);
    expect(isTlsOnlyStatement({ ...written, Principal: { AWS: ['arn:aws:iam::1:root'] } })).toBe(false);
    expect(isTlsOnlyStatement({ ...written, Action: 's3:GetObject' })).toBe(false);
    expect(isTlsOnlyStatement({ ...written, Condition: { Bool: { 'aws:SecureTransport': ['false', 'true'] } } })).toBe(
      false,
    );
  });
});
