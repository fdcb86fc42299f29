import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { MigrationPhase, PHASES_AWAITING_A_PERSON } from '../common/records';
import { protectionWords } from '../state/documents';
import { credentialsFilePath } from '../smugmug/credentials';
import {
  ApiClient,
  ApiError,
  type ApprovalRequestBody,
  type ApprovalResultBody,
  type MigrationListBody,
  type MigrationStartedBody,
  type ReportBody,
  type PlanBody,
  type PlanStartedBody,
  type RetryAcceptedBody,
  type StartMigrationBody,
  type StartPlanBody,
} from './api-client';
import { planTable } from './plan-table';
import { auditCommand } from './audit-command';
import { restoreCommand } from './restore-command';
import { scheduleCommand } from './schedule-command';
import { bucketCommand } from './bucket-command';
import { parseReplicaOption } from './replica-option';
import { login } from './login';
import { watchMigration } from './progress-display';

const USAGE = `smugmug-s3 <command> [options]   (API: SMUGMUG_S3_API_URL, SMUGMUG_S3_API_TOKEN)

  serve                             the service on this machine (as npm start): Temporal, workers and
                                    the web app on 127.0.0.1, data in ~/.local/share/smugmug-s3

  migrate --account NICK --bucket B [--prefix P] [--id ID] [--delete] [--concurrency N]
          [--include PATTERN]... [--exclude PATTERN]... [--replica NAME:BUCKET] [--dry-run] [--watch]
                                    --replica: a second copy in BUCKET at the workers' replica
                                    connection NAME; with --delete, nothing goes without it
  plan    --account NICK --bucket B [--prefix P] [--include PATTERN]... [--exclude PATTERN]...
          [--replica NAME:BUCKET] [--smugmug-plan NAME --smugmug-monthly USD]
                                    counts, held items, duplicates and costs per storage class; copies nothing
  list    [--account NICK] [--phase PHASE]
                                    PHASE: ${MigrationPhase.options.join(', ')}
  status  ID [--once]               live progress bars per album and overall, with rate and ETA
  retry   ID [--album KEY]          run failed albums (or one) again
  approve ID --by NAME [--albums KEY,KEY|all] [--include-held KEY,KEY|transcodes] [--dry-run] [--yes]
                                    shows the verification report and the held items, asks, then
                                    approves deletion (held items stay unless --include-held names them)
  cancel  ID
  audit   --bucket B [--prefix P] [--every "30 days" | --cron "0 4 1 * *"]
                                    checks the archive at rest without downloading: every file present,
                                    unchanged, in its class, locked where the bucket locks (exit 1 on
                                    findings); with --every or --cron, schedules it instead
  restore --account NICK --bucket B [--prefix P] (--album KEY... | --folder PATH) [--under PATH]
          [--tier Bulk|Standard|Expedited]
                                    the way back: albums of the archive (or all under a folder of it,
                                    / for all) put back on SmugMug under PATH, with their metadata;
                                    waits and prints each album's check (exit 1 on problems)
  schedule create --account NICK --bucket B [--prefix P] [--every 24h | --cron "0 3 * * *" [--time-zone Z]]
                  [--include PATTERN]... [--exclude PATTERN]... [--note TEXT]
                                    an incremental sync on a schedule: only new or changed files, never deletes
  schedule list | show --account NICK | pause --account NICK [--note TEXT] | resume --account NICK
         | delete --account NICK
  login   [--api-base URL] [--key KEY] [--secret SECRET] [--out FILE]
                                    OAuth PIN flow; stores the tokens where the worker reads them
  bucket check BUCKET [--replica NAME]
                                    versioning, encryption, public-access block, TLS-only policy,
                                    abort-incomplete-uploads rule, CORS, Object Lock: ok / MISSING / unknown
  bucket setup BUCKET [--kms-key ID] [--cors-origin URL]... [--abort-after-days N]
               [--create] [--object-lock GOVERNANCE|COMPLIANCE:PERIOD] [--replica NAME]
                                    turns all of them on (S3 directly, AWS credentials of the environment);
                                    --create makes the bucket (with Object Lock when asked); PERIOD as
                                    30d or 7y: the default retention of every new version; --replica:
                                    the bucket is at the replica connection NAME of S3_REPLICAS`;

function fail(message: string): never {
  throw new ApiError(2, message);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      account: { type: 'string' },
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      id: { type: 'string' },
      delete: { type: 'boolean' },
      concurrency: { type: 'string' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      watch: { type: 'boolean' },
      phase: { type: 'string' },
      once: { type: 'boolean' },
      album: { type: 'string', multiple: true },
      folder: { type: 'string' },
      under: { type: 'string' },
      tier: { type: 'string' },
      by: { type: 'string' },
      albums: { type: 'string' },
      yes: { type: 'boolean' },
      'api-base': { type: 'string' },
      key: { type: 'string' },
      secret: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
      'kms-key': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'abort-after-days': { type: 'string' },
      create: { type: 'boolean' },
      'object-lock': { type: 'string' },
      replica: { type: 'string' },
      'include-held': { type: 'string' },
      'smugmug-plan': { type: 'string' },
      'smugmug-monthly': { type: 'string' },
      every: { type: 'string' },
      cron: { type: 'string' },
      'time-zone': { type: 'string' },
      note: { type: 'string' },
    },
  });
  if (!command || values.help || ['help', '--help', '-h'].includes(command)) return console.log(USAGE);
  // The service itself on this machine (npm start), not a call to one; loaded only then, as it is large.
  if (command === 'serve') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS require, which tsx's hook serves (its import() does not)
    const { serve } = require('../local-stack/serve') as typeof import('../local-stack/serve');
    return serve();
  }
  if (command === 'bucket') {
    const [action, bucket] = positionals;
    const days = values['abort-after-days'] === undefined ? undefined : Number(values['abort-after-days']);
    const ok = await bucketCommand(
      action,
      bucket,
      {
        kmsKeyId: values['kms-key'],
        corsOrigins: values['cors-origin'],
        abortAfterDays: days,
        create: values.create,
        objectLock: values['object-lock'],
        replica: values.replica,
      },
      console.log,
    ).catch((err: unknown) => fail((err as Error).message));
    if (!ok) process.exitCode = 1;
    return;
  }
  const api = ApiClient.fromEnv();
  const id = positionals[0];
  const needId = () => id ?? fail(`${command} needs a migration id (see: smugmug-s3 list)`);
  const prompt = () => createInterface({ input: process.stdin, output: process.stdout });
  const replicaOption = () => {
    try {
      return values.replica === undefined ? undefined : parseReplicaOption(values.replica);
    } catch (err) {
      return fail((err as Error).message);
    }
  };

  switch (command) {
    case 'migrate': {
      const replica = replicaOption();
      const request: Partial<StartMigrationBody> = {
        account: values.account,
        migrationId: values.id,
        target: { bucket: values.bucket ?? '', prefix: values.prefix ?? '', replica },
        albums: { include: values.include ?? [], exclude: values.exclude ?? [] },
        dryRun: values['dry-run'] ?? false,
        // A second copy asked for is one the deletion waits for.
        deletion: { enabled: values.delete ?? false, requireReplica: replica ? true : undefined },
        ...(values.concurrency ? { albumConcurrency: Number(values.concurrency) } : {}),
      };
      const started = await api.call<MigrationStartedBody>('POST', '/v1/migrations', request);
      console.log(`Started ${started.id}\n  Temporal UI: ${started.uiUrl}`);
      if (values.watch) await watchMigration(api, started.id);
      return;
    }
    case 'plan': {
      const request: Partial<StartPlanBody> = {
        account: values.account,
        migrationId: values.id,
        target: {
          bucket: values.bucket ?? '',
          prefix: values.prefix ?? '',
          replica: replicaOption(),
        },
        albums: { include: values.include ?? [], exclude: values.exclude ?? [] },
      };
      const started = await api.call<PlanStartedBody>('POST', '/v1/plans', request);
      console.log(`Planning ${started.id}: listing every album (nothing is copied)…`);
      const done = await watchMigration(api, started.id, {
        until: (st) => st.phase === 'completed' || st.phase === 'completed-with-failures',
      });
      if (done.status === 'FAILED') fail(`The plan failed: ${done.failure ?? 'see smugmug-s3 status'}`);
      const query = new URLSearchParams({
        ...(values['smugmug-plan'] ? { smugmugPlan: values['smugmug-plan'] } : {}),
        ...(values['smugmug-monthly'] ? { smugmugMonthlyUsd: values['smugmug-monthly'] } : {}),
      });
      console.log(planTable(await api.call<PlanBody>('GET', `/v1/plans/${started.id}?${query}`)));
      return;
    }
    case 'list': {
      if (values.phase && !MigrationPhase.safeParse(values.phase).success)
        fail(`--phase is one of ${MigrationPhase.options.join(', ')}`);
      const query = new URLSearchParams({
        ...(values.account ? { account: values.account } : {}),
        ...(values.phase ? { phase: values.phase } : {}),
      });
      const { migrations } = await api.call<MigrationListBody>('GET', `/v1/migrations?${query}`);
      for (const m of migrations) console.log(`${m.id}  ${m.status}  ${m.phase ?? ''}  started ${m.startedAt}`);
      return;
    }
    case 'status': {
      // Watching ends when the run ends or waits for a person (an approval, a retry).
      const s = values.once
        ? await api.status(needId())
        : await watchMigration(api, needId(), {
            until: (st) => st.phase !== undefined && PHASES_AWAITING_A_PERSON.includes(st.phase),
          });
      const k = s.counts;
      console.log(
        `${s.id}: ${s.status} (${s.phase})${k ? `, ${k.albumsDone}/${k.albumsTotal} albums, ${k.albumsFailed} failed, ${k.verified} files verified` : ''}`,
      );
      if (s.failure) console.log(`  why it ended: ${s.failure}`);
      if (s.notice) console.log(`  ${s.notice}`);
      for (const [albumKey, reason] of Object.entries(s.failedAlbums ?? {}))
        console.log(`  failed ${albumKey}: ${reason}`);
      return;
    }
    case 'retry': {
      const album = values.album?.[0];
      const path = album
        ? `/v1/migrations/${needId()}/albums/${album}/retry`
        : `/v1/migrations/${needId()}/retry-failed`;
      const { retried } = await api.call<RetryAcceptedBody>('POST', path);
      console.log(`Retrying ${retried.length} album(s): ${retried.join(', ')}`);
      return;
    }
    case 'approve': {
      const by = values.by ?? fail('approve needs --by NAME: the approval records who gave it');
      const { digest, report } = await api.call<ReportBody>('GET', `/v1/migrations/${needId()}/report`);
      const totals = report.totals;
      const albums = !values.albums || values.albums === 'all' ? 'all' : values.albums.split(',').map((a) => a.trim());
      const includeArg = values['include-held'];
      const includeHeld = !includeArg
        ? undefined
        : includeArg === 'transcodes'
          ? 'transcodes'
          : includeArg.split(',').map((k) => k.trim());
      console.log(
        `Verification report of ${id} (digest ${digest}):\n  ${totals.passed} of ${totals.albums} albums passed, ${totals.verifiedFiles} files verified in the bucket.`,
      );
      // What protects each approved album's copies beyond versioning, before anything is asked.
      console.log('Protection of the copies:');
      for (const a of report.albums.filter((r) => r.passed && (albums === 'all' || albums.includes(r.albumKey))))
        console.log(`  ${a.path.join(' / ')}: ${protectionWords(a.protection)}`);
      const held = (report.held ?? []).filter((h) => albums === 'all' || albums.includes(h.albumKey));
      if (held.length > 0) {
        console.log(
          `Held: ${held.length} item(s) stay on SmugMug unless you include them (--include-held KEY,KEY or transcodes):`,
        );
        for (const h of held) {
          const included =
            includeHeld === 'transcodes' ? h.kind === 'transcode' : (includeHeld ?? []).includes(h.imageKey);
          console.log(
            `  ${included ? 'INCLUDED, will be deleted' : 'kept'}  ${h.imageKey}  ${h.path.join(' / ')} / ${h.fileName}: ${h.reason}`,
          );
        }
      }
      console.log(
        `Approving ${values['dry-run'] ? 'a DRY RUN of ' : ''}the deletion on SmugMug of the verified originals of ${albums === 'all' ? 'every verified album' : albums.join(', ')}.`,
      );
      if (!values.yes && !values['dry-run']) {
        const rl = prompt();
        const answer = (await rl.question('Type "delete" to approve deleting these originals on SmugMug: ')).trim();
        rl.close();
        if (answer !== 'delete') {
          console.log('Not approved: nothing will be deleted.');
          return;
        }
      }
      const approval: ApprovalRequestBody = {
        approvedBy: by,
        albums,
        reportDigest: digest,
        dryRun: values['dry-run'] ?? false,
        ...(includeHeld ? { includeHeld } : {}),
      };
      const result = await api.call<ApprovalResultBody>('POST', `/v1/migrations/${id}/deletion/approve`, approval);
      console.log(
        `Approved: ${result.approved.join(', ') || 'none'}${result.alreadyApproved.length ? `; already approved: ${result.alreadyApproved.join(', ')}` : ''}`,
      );
      return;
    }
    case 'audit':
      if (!(await auditCommand(api, values, console.log, fail))) process.exitCode = 1;
      return;
    case 'restore':
      if (!(await restoreCommand(api, values, console.log, fail))) process.exitCode = 1;
      return;
    case 'schedule':
      return scheduleCommand(api, positionals[0], { ...values, timeZone: values['time-zone'] }, console.log, fail);
    case 'cancel': {
      await api.call('POST', `/v1/migrations/${needId()}/cancel`);
      console.log(`Cancellation of ${id} requested: copies made stay, nothing is deleted.`);
      return;
    }
    case 'login': {
      const rl = prompt();
      try {
        const out = await login({
          apiBaseUrl: values['api-base'] ?? process.env.SMUGMUG_API_BASE_URL ?? 'https://api.smugmug.com',
          consumerKey:
            values.key ??
            process.env.SMUGMUG_API_KEY ??
            fail('login needs --key (or SMUGMUG_API_KEY): your SmugMug API key'),
          consumerSecret:
            values.secret ?? process.env.SMUGMUG_API_SECRET ?? fail('login needs --secret (or SMUGMUG_API_SECRET)'),
          out: values.out ?? credentialsFilePath(),
          prompt: rl,
          print: console.log,
        });
        console.log(`Tokens stored in ${out} (readable by you only); the worker reads them from there.`);
      } finally {
        rl.close();
      }
      return;
    }
    default:
      fail(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(err instanceof ApiError && err.status === 2 ? 2 : 1);
});
