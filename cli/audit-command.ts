import type { ApiClient, AuditBody, AuditReportBody, AuditScheduledBody } from './api-client';

export interface AuditOptions {
  bucket?: string;
  prefix?: string;
  every?: string;
  cron?: string;
}

/** How often the CLI asks whether the audit has finished. */
const POLL_MS = 1_000;

/**
 * `smugmug-s3 audit --bucket B [--prefix P]`: audits the archive at rest, waits, and prints what it
 * found (exit 1 when it found anything, for scripts); with --every or --cron, schedules it instead.
 */
export async function auditCommand(
  api: ApiClient,
  options: AuditOptions,
  print: (line: string) => void,
  fail: (message: string) => never,
): Promise<boolean> {
  const request = { bucket: options.bucket ?? fail('audit needs --bucket B'), prefix: options.prefix ?? '' };
  if (options.every || options.cron) {
    const scheduled = await api.call<AuditScheduledBody>('POST', '/v1/audit-schedules', {
      ...request,
      every: options.every,
      cron: options.cron,
    });
    print(`Scheduled ${scheduled.scheduleId}; next audits: ${scheduled.nextRuns.join(', ')}`);
    return true;
  }
  let audit = await api.call<AuditBody>('POST', '/v1/audits', request);
  print(`Auditing s3://${request.bucket}/${request.prefix} at rest (${audit.id}); nothing is downloaded…`);
  while (audit.status === 'RUNNING') {
    await new Promise((r) => setTimeout(r, POLL_MS));
    audit = await api.call<AuditBody>('GET', `/v1/audits/${audit.id}`);
  }
  const summary = audit.summary ?? fail(`The audit ended ${audit.status} without a report: see ${audit.uiUrl}`);
  print(
    `${summary.passed ? 'PASSED' : 'FAILED'}: ${summary.albums} albums, ${summary.files} files, ${summary.findings} findings` +
      ` (${summary.requests.list} listings, ${summary.requests.get} manifests read, ${summary.requests.head} HEADs)`,
  );
  if (!summary.passed) {
    const report = await api.call<AuditReportBody>('GET', `/v1/audits/${audit.id}/report`);
    for (const f of report.findings)
      print(`  ${f.kind.padEnd(16)} ${f.album}: ${f.fileName ?? f.key} (${f.object}): ${f.detail}`);
    if (report.findingsNotListed > 0) print(`  … and ${report.findingsNotListed} more`);
  }
  print(`Report: s3://${summary.bucket}/${summary.reportKey} (SHA-256 ${summary.digest})`);
  return summary.passed;
}
