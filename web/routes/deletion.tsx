import { type Context, Hono } from 'hono';
import { ApprovalRequest } from '../../common/records';
import { list, pageOf, refusalShown, sessionOf, text, type WebContext } from '../context';
import { DeletionsPage } from '../pages/deletions';
import { CONFIRMATION_WORD, ReviewPage } from '../pages/review';

/** Albums whose deletion record the deletions page reads (one object each). */
const DELETION_RECORDS_SHOWN = 200;

/** Review and deletion: the report with its fingerprint, the dry run, the approval, and each album's deletion record. */
export function deletionPages({ services: { deletion } }: WebContext) {
  const app = new Hono();

  const reviewPage = async (
    c: Context,
    id: string,
    extra: { problem?: string; dryRunResult?: string } = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    const { report, digest, deletionEnabled } = await deletion.review(id);
    return c.html(
      <ReviewPage
        page={pageOf(c)}
        migrationId={id}
        report={report}
        digest={digest}
        deletionEnabled={deletionEnabled}
        {...extra}
      />,
      status,
    );
  };
  app.get('/migrations/:id/review', (c) => reviewPage(c, c.req.param('id')));
  app.get('/migrations/:id/deletions', async (c) => {
    const id = c.req.param('id');
    return c.html(
      <DeletionsPage page={pageOf(c)} id={id} records={await deletion.records(id, DELETION_RECORDS_SHOWN)} />,
    );
  });
  app.post('/migrations/:id/approve', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody({ all: true });
    const dryRun = text(form.action) !== 'approve';
    if (!dryRun && text(form.confirmation) !== CONFIRMATION_WORD)
      return reviewPage(c, id, { problem: `Nothing was deleted: type "${CONFIRMATION_WORD}" to confirm.` }, 400);
    const request = ApprovalRequest.safeParse({
      approvedBy: text(form.approvedBy) || sessionOf(c).who,
      albums: list(form.albums),
      reportDigest: text(form.reportDigest),
      dryRun,
      includeHeld: list(form.includeHeld).length > 0 ? list(form.includeHeld) : undefined,
    });
    if (!request.success)
      return reviewPage(
        c,
        id,
        { problem: `Nothing was deleted: ${request.error.issues.map((i) => i.message).join('; ')}` },
        400,
      );
    try {
      const result = await deletion.approve(id, request.data);
      if (!dryRun)
        return c.redirect(
          `/app/migrations/${encodeURIComponent(id)}?notice=${encodeURIComponent('Approved: the verified originals are being deleted on SmugMug.')}`,
          303,
        );
      const kept = result.held.filter((h) => !h.included).length;
      return reviewPage(c, id, {
        dryRunResult: `Would delete the verified originals of ${result.approved.length + result.alreadyApproved.length} albums; ${kept} held items would stay on SmugMug. Nothing was deleted.`,
      });
    } catch (err) {
      const { message } = refusalShown(err);
      return reviewPage(c, id, { problem: `Nothing was deleted: ${message}` }, 409);
    }
  });

  return app;
}
