import { createHash, randomBytes } from 'node:crypto';
import { Md5Thread } from '../../transfer/md5-thread';

describe('the MD5 thread', () => {
  const thread = new Md5Thread();
  const file = randomBytes(3 * 2 ** 20 + 17);
  const inShared = (bytes: Buffer) => {
    const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
    bytes.copy(shared);
    return shared;
  };

  test("gives the file's MD5 from parts posted in order, shared or copied", async () => {
    const md5 = thread.open();
    const updates = [md5.update(inShared(file.subarray(0, 2 ** 20))), md5.update(file.subarray(2 ** 20))];
    await Promise.all(updates);
    expect(await md5.digest()).toBe(createHash('md5').update(file).digest('hex'));
  });

  test('goes on from a saved state, as a resumed large file does in another worker', async () => {
    const first = thread.open();
    const state = await first.update(inShared(file.subarray(0, 1000)));
    first.close();
    const resumed = new Md5Thread().open(state);
    await resumed.update(inShared(file.subarray(1000)));
    expect(await resumed.digest()).toBe(createHash('md5').update(file).digest('hex'));
  });

  test('a stream that was closed cannot be used', async () => {
    const md5 = thread.open();
    md5.close();
    await expect(md5.update(inShared(file.subarray(0, 10)))).rejects.toThrow('MD5 thread');
  });
});
