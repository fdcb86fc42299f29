import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialStore, StoredAws } from '../config/credential-store';
import type { S3Settings } from './client';

/**
 * How long a credential read from the store is used before the store is read again. The SDK asks
 * again for credentials that expire within five minutes at every request, so this is what stands
 * between each S3 request and a look at the store (a stat of the file, cheap, then its cache).
 */
const STORED_CREDENTIALS_SECONDS = 30;
/**
 * How long one look at the store serves the S3 client: the SDK asks for the region several times a
 * request, and a look is a stat of the file (an exception when there is none). Measured on the bench
 * (WAN photos, 2026-12-07): a look per ask was 13 % of the worker's CPU.
 */
const STORE_LOOK_MS = 1_000;

/** Where a person's S3 access comes from, in words for a page: no secret, only its source. */
export function awsSourceWords(aws: StoredAws | undefined): string {
  if (aws?.keys) return `the access key ${aws.keys.accessKeyId} entered here`;
  if (aws?.profile) return `the AWS profile "${aws.profile}" of this computer`;
  return "this computer's AWS configuration (environment, default profile or role)";
}

/** The profiles named in this computer's AWS config and credentials files. */
export async function awsProfiles(): Promise<string[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles();
  return [...new Set([...Object.keys(credentialsFile), ...Object.keys(configFile)])].sort();
}

/** The credentials of one stored choice: keys entered, a profile, or the SDK's standard chain. */
export function credentialsOf(aws: StoredAws | undefined): AwsCredentialIdentityProvider {
  if (aws?.keys) {
    const { accessKeyId, secretAccessKey } = aws.keys;
    return async () => ({ accessKeyId, secretAccessKey });
  }
  return aws?.profile ? fromIni({ profile: aws.profile }) : fromNodeProviderChain();
}

/**
 * The S3 access a person chose in the web app, read from the store as it is now: its credentials
 * and region, for an S3 client made before the choice (the worker's and the API's). Until a choice is
 * stored, the SDK's standard chain and the configured region, as without a store.
 */
export function storedS3Access(store: CredentialStore, config: Pick<S3Settings, 'AWS_REGION'>) {
  const chain = credentialsOf(undefined);
  // The store hands back the same object while its file is unchanged: a new one means a new choice.
  let held: { chosen: StoredAws | undefined; identity: AwsCredentialIdentity; until: number } | undefined;
  let look: { at: number; stored: ReturnType<CredentialStore['read']> } | undefined;
  const stored = () => {
    if (!look || Date.now() - look.at > STORE_LOOK_MS) look = { at: Date.now(), stored: store.read() };
    return look.stored;
  };
  const credentials: AwsCredentialIdentityProvider = async () => {
    const { aws } = await stored();
    if (!held || held.chosen !== aws || held.until <= Date.now()) {
      const identity = await (aws ? credentialsOf(aws) : chain)();
      held = { chosen: aws, identity, until: Date.now() + STORED_CREDENTIALS_SECONDS * 1000 };
    }
    return { ...held.identity, expiration: new Date(held.until) };
  };
  const region = async () => (await stored()).aws?.region ?? config.AWS_REGION;
  return { credentials, region };
}
