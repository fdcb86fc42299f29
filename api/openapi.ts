import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { invalidRequest } from './invalid-request';
import * as s from './schemas';

/** What every route of the API shares: its answers' shape, its security and its one validation hook. */

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const errors = {
  400: json(s.ErrorBody, 'Bad input: the fields and the problems'),
  401: json(s.ErrorBody, 'Missing or wrong bearer token'),
  404: json(s.ErrorBody, 'No such migration'),
  409: json(s.ErrorBody, "Refused in the migration's current state"),
  422: json(
    s.ErrorBody,
    "The target cannot be used: no such bucket, no access, or the worker's token is another account's",
  ),
  413: json(s.ErrorBody, 'Request body too large'),
  503: json(s.ErrorBody, 'Temporal is unreachable'),
};

export const security = [{ bearer: [] }];

/** A router of the API: bad input answered by the one hook, as a 400 naming each field. */
export const newRouter = () => new OpenAPIHono({ defaultHook: invalidRequest });
