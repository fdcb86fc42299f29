import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateCosts, estimatePreviews, putRequestsFor } from '../../plans/cost-estimate';
import { BUILT_IN_PRICES, loadPriceTable } from '../../plans/s3-prices';

const KB = 1024;
const MiB = 2 ** 20;
const GB = 2 ** 30;
const upload = { largeFileThresholdBytes: 16 * MiB, partSizeBytes: 16 * MiB };

describe('the cost estimate', () => {
  // 1,000 small photos of 50 KB, 100 of 5 MiB, one 40 MiB video.
  const sizes = [...new Array(1000).fill(50 * KB), ...new Array(100).fill(5 * MiB), 40 * MiB];
  const estimate = estimateCosts(sizes, {
    prices: BUILT_IN_PRICES,
    region: 'us-east-1',
    upload,
    smugmug: { plan: 'Power', monthlyUsd: 16 },
  });
  const byClass = (c: string) => estimate.classes.find((e) => e.storageClass === c)!;

  test('Standard-IA bills small photos as 128 KB each, for at least 30 days', () => {
    const billable = 1000 * 128 * KB + 100 * 5 * MiB + 40 * MiB;
    const monthly = (billable / GB) * 0.0125;
    expect(byClass('STANDARD_IA').billableBytes).toBe(billable);
    expect(byClass('STANDARD_IA').monthlyUsd).toBeCloseTo(monthly, 10);
    expect(byClass('STANDARD_IA').minimumChargeUsd).toBeCloseTo(monthly * (30 / 30), 10);
  });

  test("Deep Archive adds 32 KB at its own rate and 8 KB at Standard's per object, for at least 180 days", () => {
    const data = 1000 * 50 * KB + 100 * 5 * MiB + 40 * MiB;
    const monthly = ((data + 1101 * 32 * KB) / GB) * 0.00099 + ((1101 * 8 * KB) / GB) * 0.023;
    expect(byClass('DEEP_ARCHIVE').monthlyUsd).toBeCloseTo(monthly, 10);
    expect(byClass('DEEP_ARCHIVE').minimumChargeUsd).toBeCloseTo(monthly * 6, 10);
  });

  test("the PUTs: one per file, Create + parts + Complete for a large one, at each class's request price", () => {
    expect(putRequestsFor(40 * MiB, upload)).toBe(2 + 3);
    expect(byClass('STANDARD').putRequests).toBe(1100 + 5);
    expect(byClass('STANDARD').putRequestsUsd).toBeCloseTo((1105 / 1000) * 0.005, 10);
    expect(byClass('DEEP_ARCHIVE').putRequestsUsd).toBeCloseTo((1105 / 1000) * 0.05, 10);
  });

  test('getting everything back: by hand from the table, the fee per GB and per 1,000 requests of each tier, and the wait', () => {
    const gbs = (1000 * 50 * KB + 100 * 5 * MiB + 40 * MiB) / GB;
    expect(byClass('DEEP_ARCHIVE').retrieval).toEqual([
      {
        tier: 'Standard',
        usd: expect.closeTo(gbs * 0.02 + 1.101 * 0.1, 10),
        minHours: 0,
        maxHours: 12,
        wait: 'within 12 h',
      },
      {
        tier: 'Bulk',
        usd: expect.closeTo(gbs * 0.0025 + 1.101 * 0.025, 10),
        minHours: 0,
        maxHours: 48,
        wait: 'within 48 h',
      },
    ]);
    expect(byClass('GLACIER').retrieval).toEqual([
      {
        tier: 'Expedited',
        usd: expect.closeTo(gbs * 0.03 + 1.101 * 10, 10),
        minHours: 1 / 60,
        maxHours: 5 / 60,
        wait: '1-5 min',
      },
      { tier: 'Standard', usd: expect.closeTo(gbs * 0.01 + 1.101 * 0.05, 10), minHours: 3, maxHours: 5, wait: '3-5 h' },
      { tier: 'Bulk', usd: 0, minHours: 5, maxHours: 12, wait: '5-12 h' },
    ]);
    // Read at once, with a retrieval fee for the infrequent classes and Glacier Instant Retrieval.
    expect(byClass('GLACIER_IR').retrieval).toEqual([
      {
        tier: 'Instant',
        usd: expect.closeTo(gbs * 0.03 + 1.101 * 0.01, 10),
        minHours: 0,
        maxHours: 0,
        wait: 'at once',
      },
    ]);
    // Read back before archiving (STANDARD first, a day, then a transition): STANDARD PUTs, a day of storage, the GETs.
    const readBack = (1105 / 1000) * 0.005 + gbs * 0.023 * (1 / 30) + 1.101 * 0.0004;
    expect(byClass('DEEP_ARCHIVE').readBackFirstUsd).toBeCloseTo(readBack, 10);
    expect(byClass('GLACIER').readBackFirstUsd).toBeCloseTo(readBack, 10);
    expect(byClass('GLACIER_IR').readBackFirstUsd).toBeUndefined();
    expect(byClass('STANDARD').retrieval).toEqual([
      { tier: 'Instant', usd: expect.closeTo(1.101 * 0.0004, 10), minHours: 0, maxHours: 0, wait: 'at once' },
    ]);
  });

  test('Intelligent-Tiering monitors only objects of 128 KB and more; the estimate names its table and date and compares with SmugMug', () => {
    expect(byClass('INTELLIGENT_TIERING').monthlyMonitoringUsd).toBeCloseTo((101 / 1000) * 0.0025, 10);
    expect(estimate.prices).toEqual({ source: BUILT_IN_PRICES.source, date: '2025-10-28' });
    expect(estimate.classes.map((c) => c.storageClass)).toHaveLength(7);
    expect(estimate.smugmug).toMatchObject({ plan: 'Power', monthlyUsd: 16, cheapestClass: 'DEEP_ARCHIVE' });
  });

  test('S3_PRICES_FILE replaces the table, and a region it lacks is refused by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prices-'));
    const file = join(dir, 'prices.json');
    await writeFile(
      file,
      JSON.stringify({
        ...BUILT_IN_PRICES,
        source: 'our contract',
        date: '2026-12-01',
        regions: { 'eu-west-1': BUILT_IN_PRICES.regions['us-east-1'] },
      }),
    );
    const table = loadPriceTable({ S3_PRICES_FILE: file });
    expect(table).toMatchObject({ date: '2026-12-01', source: expect.stringContaining('our contract') });
    expect(() => estimateCosts([1], { prices: table, region: 'us-east-1', upload })).toThrow(
      /no prices for region us-east-1/,
    );
    await writeFile(file, JSON.stringify({ date: 'yesterday' }));
    expect(() => loadPriceTable({ S3_PRICES_FILE: file })).toThrow(/is not a price table/);
  });
});

describe("the previews' cost", () => {
  test('STANDARD for each rendition, by its size or a guess where SmugMug gives none; none when there are none', () => {
    const previews = estimatePreviews([40 * KB, undefined], { prices: BUILT_IN_PRICES, region: 'us-east-1', upload });
    expect(previews).toMatchObject({
      objects: 2,
      bytes: 40 * KB + 50_000,
      estimate: { storageClass: 'STANDARD', putRequests: 2 },
    });
    expect(previews!.estimate.monthlyUsd).toBeCloseTo(((40 * KB + 50_000) / GB) * 0.023, 10);
    expect(estimatePreviews([], { prices: BUILT_IN_PRICES, region: 'us-east-1', upload })).toBeUndefined();
  });
});
