import { loadClientConfigProfile, loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';

const optional = z.string().min(1).optional();

/**
 * Where workflows run and how to reach it, read as every Temporal tool reads it
 * (`@temporalio/envconfig`): the address and namespace, a `temporal.toml` profile, TLS with a
 * client certificate (mTLS), or an API key (Temporal Cloud). Shared by worker, API and tools.
 */
export const TemporalSettings = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('smugmug-s3'),
  /** A profile of the `temporal.toml` file (TEMPORAL_CONFIG_FILE, or the temporal CLI's default place). */
  TEMPORAL_PROFILE: optional,
  TEMPORAL_CONFIG_FILE: optional,
  /** Temporal Cloud's API key: sent as a bearer token, over TLS. */
  TEMPORAL_API_KEY: optional,
  /** "true" for TLS with the system's roots (implied by a certificate or an API key). */
  TEMPORAL_TLS: optional,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optional,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optional,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optional,
  TEMPORAL_TLS_SERVER_NAME: optional,
});
export type TemporalSettings = z.infer<typeof TemporalSettings>;

/** The setting names envconfig reads, as they are spelled in the environment. */
const ENVCONFIG_NAMES = Object.keys(TemporalSettings.shape).filter((name) => name !== 'TEMPORAL_TASK_QUEUE');

/**
 * The connection options of these settings: the profile (if any) with the settings over it, as
 * the temporal CLI combines them. Without TLS settings or an API key, a plain connection.
 */
export function temporalConnectionOptions(settings: TemporalSettings): NativeConnectionOptions {
  const variables = Object.fromEntries(
    ENVCONFIG_NAMES.map((name) => [name, settings[name as keyof TemporalSettings]]).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const { connectionOptions } = loadClientConnectConfig({
    profile: settings.TEMPORAL_PROFILE,
    configSource: settings.TEMPORAL_CONFIG_FILE ? { path: settings.TEMPORAL_CONFIG_FILE } : undefined,
    overrideEnvVars: variables,
  });
  return { ...connectionOptions, address: connectionOptions.address ?? settings.TEMPORAL_ADDRESS };
}

/**
 * The environment with the address and namespace of the `temporal.toml` profile filled in where it
 * names none, so a profile alone is enough, as for the temporal CLI; what the environment says wins.
 */
export function withTemporalProfile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.TEMPORAL_ADDRESS && env.TEMPORAL_NAMESPACE) return env;
  const profile = loadClientConfigProfile({
    profile: env.TEMPORAL_PROFILE,
    configSource: env.TEMPORAL_CONFIG_FILE ? { path: env.TEMPORAL_CONFIG_FILE } : undefined,
    overrideEnvVars: {},
  });
  return {
    ...env,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? profile.address,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE ?? profile.namespace,
  };
}

/** How these options authenticate, in an operator's words, for messages (never the secrets). */
function describeAuthentication(options: NativeConnectionOptions): string {
  if (options.apiKey) return 'TLS with an API key';
  if (!options.tls) return 'without TLS';
  if (typeof options.tls === 'object' && options.tls.clientCertPair) return 'TLS with a client certificate';
  return 'TLS without a client certificate';
}

/**
 * A `.catch` handler for a connection attempt: the SDK's error says "transport error" or "broken
 * pipe" when a cluster refuses the handshake; this names the address and the authentication tried.
 */
export function explainConnectionFailure(options: NativeConnectionOptions) {
  return (err: unknown): never => {
    const cause = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Could not connect to Temporal at ${options.address} (${describeAuthentication(options)}): ${cause}. ` +
        'Check TEMPORAL_ADDRESS and the TLS settings: a cluster that requires mTLS refuses a client without its certificate.',
      { cause: err },
    );
  };
}
