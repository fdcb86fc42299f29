import { Hono } from 'hono';
import { pageOf, refusalShown, type WebContext } from '../context';
import { PlanBody, PlanPage, PlanWaiting } from '../pages/plan';

/** A plan's page: the plan when it is ready; until then, a note that asks again by itself. */
export function planPages({ services: { plans } }: WebContext) {
  const app = new Hono();

  const planOf = async (id: string) => {
    try {
      return { plan: await plans.report(id) };
    } catch (err) {
      const { status, message } = refusalShown(err);
      if (status !== 409) throw err;
      return { waiting: message };
    }
  };
  app.get('/plans/:id', async (c) => {
    const id = c.req.param('id');
    return c.html(<PlanPage page={pageOf(c)} id={id} include={c.req.query('include') ?? ''} {...await planOf(id)} />);
  });
  app.get('/plans/:id/body', async (c) => {
    const id = c.req.param('id');
    const include = c.req.query('include') ?? '';
    const { plan, waiting } = await planOf(id);
    return c.html(
      plan ? (
        <PlanBody page={pageOf(c)} plan={plan} include={include} />
      ) : (
        <PlanWaiting id={id} include={include} message={waiting} />
      ),
    );
  });

  return app;
}
