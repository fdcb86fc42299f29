/**
 * "Does it open": a structural check of a file as its bytes stream past, headers only, never the
 * pixels. JPEG: the marker segments are well formed up to a frame header (SOF). MP4/MOV: the
 * top-level boxes start with ftyp, fit in the file, and include a moov.
 */
export class MediaProbe {
  private position = 0;
  /** Where the next header starts, and the bytes of it gathered so far. */
  private next = 0;
  private header = Buffer.alloc(0);
  private verdict: { ok: true } | { ok: false; problem: string } | undefined;
  private readonly kind: 'jpeg' | 'mp4' | undefined;

  constructor(
    format: string,
    private readonly totalSize: number,
  ) {
    const f = format.toUpperCase();
    this.kind = f === 'JPG' || f === 'JPEG' ? 'jpeg' : f === 'MP4' || f === 'MOV' || f === 'M4V' ? 'mp4' : undefined;
    if (!this.kind) this.verdict = { ok: true };
  }

  update(chunk: Uint8Array): void {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (!this.verdict && buf.length > 0) {
      const end = this.position + buf.length;
      if (end <= this.next) break;
      const from = Math.max(0, this.next - this.position);
      const want = this.wanted() - this.header.length;
      const take = buf.subarray(from, from + want);
      this.header = Buffer.concat([this.header, take]);
      this.position += from + take.length;
      buf = buf.subarray(from + take.length);
      if (this.header.length === this.wanted()) this.parse();
    }
    this.position += buf.length;
  }

  /** undefined when the file opens, else what is wrong. */
  finish(): string | undefined {
    if (!this.verdict) return this.kind === 'jpeg' ? 'JPEG has no frame header (SOF)' : 'MP4 has no moov box';
    return this.verdict.ok ? undefined : this.verdict.problem;
  }

  private wanted(): number {
    if (this.kind === 'jpeg') return this.next === 0 ? 2 : 4;
    return this.header.length >= 8 && this.header.readUInt32BE(0) === 1 ? 16 : 8;
  }

  private fail(problem: string) {
    this.verdict = { ok: false, problem };
  }

  private parse(): void {
    const h = this.header;
    this.header = Buffer.alloc(0);
    if (this.kind === 'jpeg') {
      if (this.next === 0) {
        if (h[0] !== 0xff || h[1] !== 0xd8) return this.fail('not a JPEG: no SOI marker');
        this.next = 2;
        return;
      }
      if (h[0] !== 0xff) return this.fail(`not a JPEG: bad marker at byte ${this.next}`);
      const marker = h[1];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        this.verdict = { ok: true };
        return;
      }
      this.next += 2 + h.readUInt16BE(2);
      return;
    }
    if (h.length === 8 && h.readUInt32BE(0) === 1) {
      // A 64-bit box size follows: gather 8 more bytes.
      this.header = h;
      return;
    }
    let size = h.readUInt32BE(0);
    if (size === 1) size = Number(h.readBigUInt64BE(8));
    if (size === 0) size = this.totalSize - this.next;
    const type = h.toString('latin1', 4, 8);
    if (this.next === 0 && type !== 'ftyp') return this.fail('not an MP4: no ftyp box');
    if (size < 8 || this.next + size > this.totalSize)
      return this.fail(`MP4 box "${type}" at byte ${this.next} runs past the end of the file`);
    if (type === 'moov') {
      this.verdict = { ok: true };
      return;
    }
    this.next += size;
  }
}
