import { previewCostWords, replicaCostWords } from '../state/documents';
import type { PlanBody } from './api-client';

const GB = 1e9;
const usd = (n: number) => `$${n < 1 ? n.toFixed(4) : n < 10 ? n.toFixed(2) : n.toFixed(0)}`;
const gb = (bytes: number) => `${(bytes / GB).toFixed(2)} GB`;

/** A plan as a person reads it in a terminal: what would be copied and held, the duplicates, and what it costs. */
export function planTable(plan: PlanBody): string {
  const t = plan.totals;
  const lines = [
    `Plan of ${plan.account} → s3://${plan.bucket}/${plan.prefix}`,
    `  ${t.albums} albums, ${t.files} files, ${gb(t.bytes)}: ${t.photos} photos, ${t.videos} videos; ${t.alreadyPresent} already in the bucket`,
    ...(t.rawFiles + t.otherComponents > 0
      ? [
          `  RAW files: ${t.rawFiles}, ${gb(t.rawBytes)} (SmugMug Source, copied beside their photos)` +
            (t.otherComponents > 0 ? `; other files of the photos: ${t.otherComponents}` : ''),
        ]
      : []),
    `  held (not deleted unless named): ${t.held}; duplicates: ${t.duplicateImages} images repeat another's bytes (${gb(t.duplicateBytes)})`,
    `  largest: ${
      plan.largest
        .slice(0, 3)
        .map((f) => `${f.fileName} (${gb(f.bytes)})`)
        .join(', ') || 'none'
    }`,
    '',
    `Costs in ${plan.costs.region} (prices: ${plan.costs.prices.source}, ${plan.costs.prices.date}):`,
    `  ${'storage class'.padEnd(20)} ${'a month'.padStart(9)} ${'first year'.padStart(11)} ${'PUTs once'.padStart(10)}  minimum`,
    ...plan.costs.classes.map(
      (c) =>
        `  ${c.storageClass.padEnd(20)} ${usd(c.monthlyUsd).padStart(9)} ${usd(c.firstYearUsd).padStart(11)} ${usd(c.putRequestsUsd).padStart(10)}  ` +
        (c.minimumDays > 0 ? `${c.minimumDays} days (${usd(c.minimumChargeUsd)})` : '–'),
    ),
    '',
    'Getting everything back (retrieval fees and requests; archive classes restore first, then wait):',
    ...plan.costs.classes.map(
      (c) =>
        `  ${c.storageClass.padEnd(20)} ` +
        c.retrieval.map((r) => `${r.tier === 'Instant' ? '' : `${r.tier} `}${usd(r.usd)} ${r.wait}`).join('; ') +
        (c.readBackFirstUsd === undefined ? '' : `; read back before archiving: ${usd(c.readBackFirstUsd)} more`),
    ),
  ];
  if (plan.costs.replica) lines.push('', replicaCostWords(plan.costs.replica, usd));
  if (plan.costs.previews) lines.push('', previewCostWords(plan.costs.previews, usd));
  if (plan.smugmug) {
    lines.push(
      '',
      `SmugMug ${plan.smugmug.plan}: ${usd(plan.smugmug.monthlyUsd)} a month; cheapest here: ${plan.smugmug.cheapestClass} at ${usd(plan.smugmug.cheapestMonthlyUsd)} a month`,
    );
  }
  return lines.join('\n');
}
