import type { MigrationInput } from './migration-input';
import type { AlbumRef } from './records';

/** A pattern where `*` matches anything, case-insensitive. */
function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
}

/** Include/exclude filters on "Folder/Album" paths or AlbumKeys; no include means everything. */
export function albumFilter(filter: MigrationInput['albums']): (album: AlbumRef) => boolean {
  const include = filter.include.map(globToRegExp);
  const exclude = filter.exclude.map(globToRegExp);
  return (album) => {
    const names = [album.path.map((s) => s.normalize('NFC')).join('/'), album.albumKey];
    const matches = (re: RegExp) => names.some((n) => re.test(n));
    return (include.length === 0 || include.some(matches)) && !exclude.some(matches);
  };
}
