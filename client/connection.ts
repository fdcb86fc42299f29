import { Client, Connection } from '@temporalio/client';
import type { PayloadKeySettings } from '../config/payload-keys';
import { explainConnectionFailure, type TemporalSettings, temporalConnectionOptions } from '../config/temporal';
import { encryptedDataConverter } from '../encryption/data-converter';

/**
 * A Temporal client of the service, as every client process makes it (the API, the tests, the
 * benches): connected as the settings say (address, TLS, API key), with the encrypted data
 * converter, so payloads leave the process as ciphertext. `close()` closes the connection.
 */
export async function connectTemporalClient(settings: TemporalSettings & PayloadKeySettings) {
  const options = temporalConnectionOptions(settings);
  const connection = await Connection.connect(options).catch(explainConnectionFailure(options));
  const dataConverter = encryptedDataConverter(settings.PAYLOAD_ENCRYPTION_KEYS);
  const client = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, dataConverter });
  return { client, connection, dataConverter, close: () => connection.close() };
}
