import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TemporalSettings, temporalConnectionOptions, withTemporalProfile } from '../config/temporal';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes';

/** gRPC status codes Temporal answers with. */
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

/** How long a cluster keeps a closed run's history, when this registers the namespace (an operator may change it). */
const DEFAULT_RETENTION = '7 days';
/** A namespace just registered reaches every service's cache within seconds; until then it is "not found". */
const NAMESPACE_PROPAGATION_MS = 60_000;

const INDEXED_VALUE_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the project's search attributes that the namespace lacks. The dev server's own
 * --search-attribute flags are ignored when its SQLite file already exists, so this runs every start.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in known));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
  });
}

/** Registers the namespace unless it exists (a cluster, unlike the dev server, starts with none). */
export async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(DEFAULT_RETENTION),
    });
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS)) throw err;
  }
}

/**
 * What a Temporal cluster needs before the service's first run, idempotent: the namespace and the
 * search attributes. The production topology and docker-compose.yml's setup service both run this.
 */
export async function setUpTemporalNamespace(connection: Connection, namespace: string): Promise<void> {
  await ensureNamespace(connection, namespace);
  const deadline = Date.now() + NAMESPACE_PROPAGATION_MS;
  for (;;) {
    try {
      return await ensureSearchAttributes(connection, namespace);
    } catch (err) {
      const notYet = isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND;
      if (!notYet || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** `npm run temporal:setup` (docker-compose.yml's `temporal-setup`): the connection from the environment, as the worker's. */
async function main() {
  const settings = TemporalSettings.parse(withTemporalProfile(process.env));
  const connection = await Connection.connect(temporalConnectionOptions(settings));
  try {
    await setUpTemporalNamespace(connection, settings.TEMPORAL_NAMESPACE);
    console.log(
      `Namespace ${settings.TEMPORAL_NAMESPACE} is ready, with the search attributes ${SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')}`,
    );
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
