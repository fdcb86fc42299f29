import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';
import type { MigrationTarget, ReplicaTarget } from '../common/migration-input';
import type { ReplicaConnection, ReplicaSettings } from '../config/replicas';
import { createS3Client } from './client';

/** Where a connection is, in words for messages (never its credentials). */
export function replicaStoreWords(name: string, connection: ReplicaConnection): string {
  return `replica "${name}" (${connection.endpoint ?? `Amazon S3, ${connection.region}`})`;
}

/** The S3 clients of the configured replica connections, made when first asked for. */
export class ReplicaClients {
  private readonly clients = new Map<string, S3Client>();

  constructor(private readonly connections: ReplicaSettings['S3_REPLICAS']) {}

  /** The client of a named connection; a name the configuration lacks fails at once, saying how to add it. */
  get(name: string): S3Client {
    const connection = this.connection(name);
    let client = this.clients.get(name);
    if (!client) {
      client = createS3Client(
        { AWS_REGION: connection.region, AWS_ENDPOINT_URL_S3: connection.endpoint },
        connection.accessKeyId && connection.secretAccessKey
          ? { credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey } }
          : {},
      );
      this.clients.set(name, client);
    }
    return client;
  }

  /** The named connection's settings (endpoint, region), for checks and messages. */
  connection(name: string): ReplicaConnection {
    const connection = this.connections[name];
    if (!connection)
      throw ApplicationFailure.nonRetryable(
        `No replica connection "${name}" is configured: add it to S3_REPLICAS of the worker and the API (known: ${Object.keys(this.connections).join(', ') || 'none'})`,
        errorType('ReplicaNotConfigured'),
      );
    return connection;
  }

  /** The configured connections' names. */
  names(): string[] {
    return Object.keys(this.connections);
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
  }
}

/**
 * The replica's object settings, from the migration's target: its bucket and class, the same keys,
 * metadata and tags. Its Object Lock is its bucket's default retention (a retention asked for at
 * upload would fail on a replica bucket without a lock), and a KMS key is not carried over (keys
 * belong to one account and region); AES256 encryption is.
 */
export function replicaTargetOf(target: MigrationTarget, replica: ReplicaTarget): MigrationTarget {
  return {
    ...target,
    bucket: replica.bucket,
    storageClass: replica.storageClass,
    retention: undefined,
    sse: target.sse?.type === 'AES256' ? target.sse : undefined,
  };
}
