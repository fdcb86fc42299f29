/** One page of a listing, numbered from 1, and whether more follow. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/**
 * Page `page` of `pageSize` items of a listing read in order (Temporal's visibility, the bucket's
 * keys): the items before it are skipped, and one past it says whether more follow.
 */
export async function pageOf<T>(listing: AsyncIterable<T>, page: number, pageSize: number): Promise<Page<T>> {
  const items: T[] = [];
  let seen = 0;
  for await (const item of listing) {
    seen += 1;
    if (seen <= (page - 1) * pageSize) continue;
    if (items.length === pageSize) return { items, hasMore: true };
    items.push(item);
  }
  return { items, hasMore: false };
}
