import { loadApiConfig } from '../api/config';

describe('API configuration', () => {
  test('refuses to start without a token unless told it is a local demo', () => {
    expect(() => loadApiConfig({})).toThrow(/API_TOKEN is required/);
    expect(() => loadApiConfig({ API_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(loadApiConfig({ API_TOKEN: 'a-long-enough-token' }).API_AUTH).toBe('token');
    expect(loadApiConfig({ API_AUTH: 'local-demo' }).API_TOKEN).toBeUndefined();
  });
});
