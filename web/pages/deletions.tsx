import type { DeletionRecords } from '../../service/deletion';
import { albumPath } from '../format';
import { Layout, type PageContext } from '../layout';

/** What was deleted on SmugMug, album by album, as each album's deletion record says. */
export function DeletionsPage({ page, id, records }: { page: PageContext; id: string; records: DeletionRecords }) {
  return (
    <Layout title="What was deleted on SmugMug" page={page}>
      {records.length === 0 ? (
        <p>Nothing has been deleted yet.</p>
      ) : (
        <div class="table-scroll">
          <table id="deletions">
            <caption>One record per album, kept in your bucket beside the copy</caption>
            <thead>
              <tr>
                <th scope="col">Album</th>
                <th scope="col">Approved by</th>
                <th scope="col">Deleted</th>
                <th scope="col">Already gone</th>
                <th scope="col">Kept on SmugMug</th>
                <th scope="col">Record</th>
              </tr>
            </thead>
            <tbody>
              {records.map(({ album, key, log }) => (
                <tr>
                  <th scope="row">{albumPath(album.path, album.albumKey)}</th>
                  <td>{`${log.approval.approvedBy}, ${new Date(log.approval.approvedAt).toUTCString()}`}</td>
                  <td>{log.deleted?.length ?? 0}</td>
                  <td>{log.alreadyGone?.length ?? 0}</td>
                  <td>{log.heldKept.map((h) => h.fileName).join(', ') || 'none'}</td>
                  <td>
                    <code>{key}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href={`/app/migrations/${encodeURIComponent(id)}`}>Back to the migration</a>
      </p>
    </Layout>
  );
}
