import { previewCostWords, replicaCostWords } from '../../state/documents';
import type { Plan } from '../../service/records';
import { albumPath, size } from '../format';
import { CsrfField, Layout, type PageContext } from '../layout';

/** Dollars as a bill shows them; a small library's cents are "under $0.01", not a misleading $0.00. */
const usd = (n: number) => (n > 0 && n < 0.01 ? 'under $0.01' : `$${n.toFixed(2)}`);

/** The plan, or while it is made, a note that updates itself. */
export function PlanPage(props: { page: PageContext; id: string; plan?: Plan; include: string; waiting?: string }) {
  return (
    <Layout title="Plan: what would be copied, and what it costs" page={props.page}>
      {props.plan ? (
        <PlanBody page={props.page} plan={props.plan} include={props.include} />
      ) : (
        <PlanWaiting id={props.id} include={props.include} message={props.waiting} />
      )}
    </Layout>
  );
}

export const PlanWaiting = ({ id, include, message }: { id: string; include: string; message?: string }) => (
  <div
    id="plan"
    hx-get={`/app/plans/${encodeURIComponent(id)}/body?include=${encodeURIComponent(include)}`}
    hx-trigger="every 2s"
    hx-swap="outerHTML"
  >
    <p role="status">Counting your albums and files: nothing is copied. This page updates itself.</p>
    {message && <p class="hint">{message}</p>}
    <p class="hint">
      <a href={`/app/plans/${encodeURIComponent(id)}?include=${encodeURIComponent(include)}`}>Refresh</a>
    </p>
  </div>
);

export function PlanBody({ page, plan, include }: { page: PageContext; plan: Plan; include: string }) {
  const t = plan.totals;
  return (
    <div id="plan">
      <p id="plan-totals">
        {`${t.albums} albums, ${t.files} files (${t.photos} photos, ${t.videos} videos), ${size(t.bytes)}; ${t.held} items cannot be copied as originals; ${t.duplicateImages} duplicate images repeat ${size(t.duplicateBytes)}.`}
      </p>
      {t.rawFiles + t.otherComponents > 0 && (
        <p id="plan-raw-files">
          {`RAW files: ${t.rawFiles}, ${size(t.rawBytes)} (kept by SmugMug Source beside the photos; each is copied next to its photo, and a photo whose RAW file is not safely copied stays on SmugMug)` +
            (t.otherComponents > 0 ? `; other files of the photos: ${t.otherComponents}.` : '.')}
        </p>
      )}
      <div class="table-scroll">
        <table id="costs">
          <caption>{`Cost in ${plan.costs.region} (prices of ${plan.costs.prices.date})`}</caption>
          <thead>
            <tr>
              <th scope="col">Storage class</th>
              <th scope="col">Per month</th>
              <th scope="col">Copying once</th>
              <th scope="col">First year</th>
              <th scope="col">Getting it all back (restore wait)</th>
            </tr>
          </thead>
          <tbody>
            {plan.costs.classes.map((c) => (
              <tr>
                <th scope="row">{c.storageClass}</th>
                <td>{usd(c.monthlyUsd)}</td>
                <td>{usd(c.putRequestsUsd)}</td>
                <td>{usd(c.firstYearUsd)}</td>
                <td>
                  {c.retrieval
                    .map((r) => `${r.tier === 'Instant' ? '' : `${r.tier} `}${usd(r.usd)} ${r.wait}`)
                    .join('; ')}
                  {c.readBackFirstUsd === undefined
                    ? ''
                    : ` (read back before archiving: ${usd(c.readBackFirstUsd)} more)`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.costs.replica && <p id="plan-replica">{replicaCostWords(plan.costs.replica, usd)}</p>}
      {plan.costs.previews && <p id="plan-previews">{previewCostWords(plan.costs.previews, usd)}</p>}
      <div class="table-scroll">
        <table>
          <caption>Albums</caption>
          <thead>
            <tr>
              <th scope="col">Album</th>
              <th scope="col">Files</th>
              <th scope="col">Size</th>
              <th scope="col">Cannot be copied</th>
            </tr>
          </thead>
          <tbody>
            {plan.albums.map((a) => (
              <tr>
                <th scope="row">{albumPath(a.path, a.albumKey)}</th>
                <td>{a.files}</td>
                <td>{size(a.bytes)}</td>
                <td>{a.held}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/app/migrations">
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="account" value={plan.account} />
        <input type="hidden" name="bucket" value={plan.bucket} />
        <input type="hidden" name="prefix" value={plan.prefix} />
        <input type="hidden" name="include" value={include} />
        {plan.costs.replica?.by === 'copy' && (
          <>
            <input type="hidden" name="replicaConnection" value={plan.costs.replica.connection} />
            <input type="hidden" name="replicaBucket" value={plan.costs.replica.bucket} />
          </>
        )}
        <label for="plan-class">Storage class</label>
        <select id="plan-class" name="storageClass">
          {plan.costs.classes.map((c) => (
            <option value={c.storageClass}>{`${c.storageClass}: ${usd(c.monthlyUsd)} a month`}</option>
          ))}
        </select>
        <label class="choice">
          <input type="checkbox" name="deletion" value="yes" /> After the copy is verified, let me approve deleting the
          originals on SmugMug
        </label>
        <p>
          <button type="submit">Start copying</button>
        </p>
      </form>
    </div>
  );
}
