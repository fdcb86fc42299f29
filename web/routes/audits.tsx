import { type Context, Hono } from 'hono';
import { pageOf, refusalShown, text, type WebContext, type RefusalStatus } from '../context';
import { type AuditForm, AuditPage, AuditsPage } from '../pages/audits';

/** Audits of the archive at rest: start one, list them (a failed one stands out), one's findings. */
export function auditPages({ services: { audits } }: WebContext) {
  const app = new Hono();

  const auditsPage = async (c: Context, form: AuditForm = {}, problem?: string, status: 200 | RefusalStatus = 200) =>
    c.html(
      <AuditsPage page={pageOf(c)} audits={(await audits.list(1, 50)).audits} form={form} problem={problem} />,
      status,
    );
  app.get('/audits', (c) => auditsPage(c));
  app.post('/audits', async (c) => {
    const body = await c.req.parseBody();
    const form: AuditForm = { bucket: text(body.bucket), prefix: text(body.prefix) };
    try {
      const started = await audits.start(form);
      return c.redirect(`/app/audits/${encodeURIComponent(started.id)}`, 303);
    } catch (err) {
      const { status, message } = refusalShown(err);
      return auditsPage(c, form, message, status);
    }
  });
  app.get('/audits/:id', async (c) => {
    const audit = await audits.details(c.req.param('id'));
    const report = audit.summary && !audit.summary.passed ? await audits.report(audit.id) : undefined;
    return c.html(<AuditPage page={pageOf(c)} audit={audit} report={report} />);
  });

  return app;
}
