import { type Context, Hono } from 'hono';
import { issuesOf } from '../../service/refusals';
import { CreateScheduleRequest } from '../../service/records';
import { pageOf, refusalShown, text, type WebContext } from '../context';
import { type ScheduleForm, SchedulesPage } from '../pages/schedules';

/** The scheduled syncs: create (every hour, 6 hours, day or week), pause, resume, delete. */
export function schedulePages({ services: { schedules } }: WebContext) {
  const app = new Hono();

  const schedulesPage = async (c: Context, form: ScheduleForm = {}, problem?: string, status: 200 | 400 | 409 = 200) =>
    c.html(<SchedulesPage page={pageOf(c)} schedules={await schedules.list()} form={form} problem={problem} />, status);
  app.get('/schedules', (c) => schedulesPage(c));
  app.post('/schedules', async (c) => {
    const body = await c.req.parseBody();
    const form: ScheduleForm = {
      account: text(body.account),
      bucket: text(body.bucket),
      prefix: text(body.prefix),
      every: text(body.every),
    };
    const request = CreateScheduleRequest.safeParse({
      account: form.account,
      target: { bucket: form.bucket, prefix: form.prefix },
      every: form.every,
    });
    if (!request.success) return schedulesPage(c, form, issuesOf(request.error).message, 400);
    try {
      await schedules.create(request.data);
      return c.redirect('/app/schedules', 303);
    } catch (err) {
      const { message } = refusalShown(err);
      return schedulesPage(c, form, message, 409);
    }
  });
  app.post('/schedules/:id/:change{pause|resume|delete}', async (c) => {
    const { id, change } = c.req.param();
    try {
      await (change === 'delete' ? schedules.delete(id) : schedules[change as 'pause' | 'resume'](id));
      return c.redirect('/app/schedules', 303);
    } catch (err) {
      const { message } = refusalShown(err);
      return schedulesPage(c, {}, message, 409);
    }
  });

  return app;
}
