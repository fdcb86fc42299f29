import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { keptSecret } from './kept-secret';

/** Where the web app keeps the credentials a person enters, and the workers read them (each time they need them). */
export const CredentialStoreSettings = z.object({
  /** The encrypted file; its AES-256 key is the file beside it named `<file>.key`. */
  CREDENTIALS_STORE: z.string().min(1).optional(),
});
export type CredentialStoreSettings = z.infer<typeof CredentialStoreSettings>;

/** Without CREDENTIALS_STORE: the user's configuration folder, where `smugmug-s3 login` keeps its file too. */
export function credentialStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.CREDENTIALS_STORE ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'smugmug-s3', 'credentials.enc')
  );
}

const OAuthPair = z.object({ key: z.string().min(1), secret: z.string().min(1) });

/** One SmugMug account: its access token while connected; when it was disconnected after. */
export const StoredAccount = z.object({
  nickname: z.string().min(1),
  token: OAuthPair.optional(),
  access: z.enum(['Full', 'Public']).optional(),
  permissions: z.enum(['Read', 'Modify']).optional(),
  connectedAt: z.string().optional(),
  disconnectedAt: z.string().optional(),
});
export type StoredAccount = z.infer<typeof StoredAccount>;

/** How the service reaches S3: a profile of the AWS config files, keys entered once, or the SDK's own chain. */
export const StoredAws = z.object({
  region: z.string().min(1),
  profile: z.string().min(1).optional(),
  keys: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).optional(),
});
export type StoredAws = z.infer<typeof StoredAws>;

/** What the store holds: the SmugMug app, the accounts by lower-case nickname, S3's access, the chosen bucket. */
export const StoredCredentials = z.object({
  smugmugApp: OAuthPair.optional(),
  accounts: z.record(z.string(), StoredAccount).default({}),
  aws: StoredAws.optional(),
  bucket: z.string().optional(),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;

/** What an absent store reads as (read often: at each S3 request of a worker without a store). */
const NOTHING_STORED: StoredCredentials = Object.freeze(StoredCredentials.parse({}));

/** The sealed file: AES-256-GCM over the JSON, a fresh IV at every write. */
const SealedFile = z.object({ v: z.literal(1), iv: z.string(), tag: z.string(), data: z.string() });

/** Nicknames are case-insensitive on SmugMug: an account's key in the store. */
export const accountKey = (nickname: string) => nickname.toLowerCase();

/**
 * Credentials kept encrypted at rest (AES-256-GCM; the key in a file readable by its owner only,
 * made on the first write), written by the web app and read by the workers whenever they need a
 * token: a file changed by another process is read again (its time and size say so). Writes go to
 * a new file renamed over the old, so a reader never sees half of one.
 */
export class CredentialStore {
  private cached?: { stamp: string; value: StoredCredentials };
  private writing: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  get keyPath(): string {
    return `${this.path}.key`;
  }

  /** What is stored now; nothing stored yet reads as empty. */
  async read(): Promise<StoredCredentials> {
    const info = await stat(this.path).catch(() => undefined);
    if (!info) return NOTHING_STORED;
    const stamp = `${info.mtimeMs}:${info.size}:${info.ino}`;
    if (this.cached?.stamp === stamp) return this.cached.value;
    const value = this.open(await readFile(this.path, 'utf8'), await this.key());
    this.cached = { stamp, value };
    return value;
  }

  /** Changes what is stored, one change at a time in this process. */
  update(change: (stored: StoredCredentials) => void): Promise<StoredCredentials> {
    const next = this.writing.then(async () => {
      const stored = structuredClone(await this.read());
      change(stored);
      await this.write(StoredCredentials.parse(stored));
      return stored;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(value: StoredCredentials): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const key = await this.key(true);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    const sealed = {
      v: 1,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(sealed), { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }

  private open(text: string, key: Buffer): StoredCredentials {
    const sealed = SealedFile.parse(JSON.parse(text));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    try {
      const json = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
      return StoredCredentials.parse(JSON.parse(json.toString('utf8')));
    } catch {
      throw new Error(`The credentials in ${this.path} do not open with the key in ${this.keyPath}`);
    }
  }

  private async key(makeIfMissing = false): Promise<Buffer> {
    if (!makeIfMissing) return Buffer.from((await readFile(this.keyPath, 'utf8')).trim(), 'base64');
    await mkdir(dirname(this.keyPath), { recursive: true, mode: 0o700 });
    const { value } = await keptSecret(this.keyPath, () => randomBytes(32).toString('base64'));
    return Buffer.from(value, 'base64');
  }
}
