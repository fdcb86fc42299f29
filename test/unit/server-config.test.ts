import { loadServerConfig } from '../../server/config';
import { newPayloadKeySpec } from '../../encryption/payload-codec';

describe('API configuration', () => {
  const keys = newPayloadKeySpec();
  test('refuses to start without a token unless told it is a local demo', () => {
    expect(() => loadServerConfig({ PAYLOAD_ENCRYPTION_KEYS: keys })).toThrow(/API_TOKEN is required/);
    expect(() => loadServerConfig({ API_TOKEN: 'short', PAYLOAD_ENCRYPTION_KEYS: keys })).toThrow(
      /at least 16 characters/,
    );
    expect(loadServerConfig({ API_TOKEN: 'a-long-enough-token', PAYLOAD_ENCRYPTION_KEYS: keys }).API_AUTH).toBe(
      'token',
    );
    expect(loadServerConfig({ API_AUTH: 'local-demo', PAYLOAD_ENCRYPTION_KEYS: keys }).API_TOKEN).toBeUndefined();
  });

  test('refuses to start without payload keys, or with malformed ones', () => {
    expect(() => loadServerConfig({ API_AUTH: 'local-demo' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS is required/);
    expect(() => loadServerConfig({ API_AUTH: 'local-demo', PAYLOAD_ENCRYPTION_KEYS: 'k1=c2hvcnQ=' })).toThrow(
      /AES-256 needs 32/,
    );
    expect(() => loadServerConfig({ API_AUTH: 'local-demo', PAYLOAD_ENCRYPTION_KEYS: 'no-equals-sign' })).toThrow(
      /id=<base64 key>/,
    );
  });
});
