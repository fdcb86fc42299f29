import {
  batchManifestCsv,
  compareCompletionReport,
  CompletionManifest,
  computeChecksumJobRequest,
  md5FromResultMessage,
} from '../../s3/batch-checksum';

const md5a = '0cc175b9c0f1b6a831c399e269772661';
const md5b = '92eb5ffee6ae2fec3ad71c777531578f';

describe('the deep audit with S3 Batch Operations (its job cannot run here: AWS only)', () => {
  test('the manifest is Batch Operations CSV: bucket, URL-encoded key, version id where versioned', () => {
    expect(
      batchManifestCsv('photos', [
        { key: 'lib/Crème brûlée/a b,c.jpg', versionId: 'v1', md5: md5a },
        { key: 'lib/Trip/x.jpg', versionId: 'null', md5: md5b },
      ]),
    ).toBe('photos,lib/Cr%C3%A8me%20br%C3%BBl%C3%A9e/a%20b%2Cc.jpg,v1\nphotos,lib/Trip/x.jpg\n');
  });

  test('the job computes a full-object MD5 of every object and reports every task, idempotent by the audit id', () => {
    const request = computeChecksumJobRequest({
      accountId: '123456789012',
      roleArn: 'arn:aws:iam::123456789012:role/batch',
      manifest: { bucket: 'photos', key: 'm.csv', etag: 'abc' },
      reportBucket: 'reports',
      auditId: 'a1',
      versioned: true,
    });
    expect(request).toMatchObject({
      AccountId: '123456789012',
      ClientRequestToken: 'a1',
      Operation: { S3ComputeObjectChecksum: { ChecksumAlgorithm: 'MD5', ChecksumType: 'FULL_OBJECT' } },
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
        Location: { ObjectArn: 'arn:aws:s3:::photos/m.csv', ETag: 'abc' },
      },
      Report: { Bucket: 'arn:aws:s3:::reports', Format: 'Report_CSV_20180820', ReportScope: 'AllTasks', Enabled: true },
    });
  });

  test('a checksum is read from the result message, in hex or base64, JSON or not', () => {
    expect(md5FromResultMessage(JSON.stringify({ checksum: md5a.toUpperCase(), algorithm: 'MD5' }))).toBe(md5a);
    expect(md5FromResultMessage(JSON.stringify({ checksum_base64: Buffer.from(md5b, 'hex').toString('base64') }))).toBe(
      md5b,
    );
    expect(md5FromResultMessage('Successful')).toBeUndefined();
  });

  test('a completion report in the documented format: each differing value, failed task and unreported object is a finding', () => {
    // The top-level manifest.json of AWS's documented example.
    const manifest = CompletionManifest.parse({
      Format: 'Report_CSV_20180820',
      ReportCreationDate: '2019-04-05T17:48:39.725Z',
      Results: [{ TaskExecutionStatus: 'succeeded', Bucket: 'reports', MD5Checksum: 'x', Key: 'job-1/results/1.csv' }],
      ReportSchema: 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage',
    });
    expect(manifest.Results).toHaveLength(1);
    const csv = [
      `photos,lib/Trip/a%20b.jpg,v1,succeeded,,200,"{""checksum"":""${md5a}""}"`,
      `photos,lib/Trip/b.jpg,v2,succeeded,,200,"{""checksum"":""${md5a}""}"`,
      `photos,lib/Trip/c.jpg,v3,failed,NoSuchKey,404,The specified key does not exist.`,
    ].join('\n');
    const findings = compareCompletionReport(
      [csv],
      [
        { key: 'lib/Trip/a b.jpg', md5: md5a },
        { key: 'lib/Trip/b.jpg', md5: md5b },
        { key: 'lib/Trip/c.jpg', md5: md5b },
        { key: 'lib/Trip/d.jpg', md5: md5b },
      ],
    );
    expect(findings).toEqual([
      {
        key: 'lib/Trip/b.jpg',
        kind: 'checksum-differs',
        detail: `stored bytes hash to MD5 ${md5a}, SmugMug's is ${md5b}`,
      },
      {
        key: 'lib/Trip/c.jpg',
        kind: 'missing',
        detail: 'the job could not hash it: NoSuchKey 404 The specified key does not exist.',
      },
      { key: 'lib/Trip/d.jpg', kind: 'missing', detail: 'not in the job’s completion report' },
    ]);
  });
});
