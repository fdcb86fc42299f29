/** SmugMug API v2 response envelopes: Request/Response/Code/Message, Locator naming, Pages, errors. */

export interface UriLink {
  Uri: string;
  Locator: string;
  LocatorType: 'Object' | 'Objects';
  UriDescription: string;
  EndpointType: string;
}

export type ApiObject = Record<string, unknown> & { Uri: string };

export function link(
  uri: string,
  locator: string,
  locatorType: UriLink['LocatorType'],
  description: string,
  endpointType = locator,
): UriLink {
  return {
    Uri: uri,
    Locator: locator,
    LocatorType: locatorType,
    UriDescription: description,
    EndpointType: endpointType,
  };
}

export interface Endpoint {
  uri: string;
  method: string;
  locator: string;
  description: string;
  endpointType?: string;
}

function requestPart(e: Endpoint) {
  return { Version: 'v2', Method: e.method, Uri: e.uri };
}

function responseHead(e: Endpoint, locatorType: UriLink['LocatorType']) {
  return {
    Uri: e.uri,
    Locator: e.locator,
    LocatorType: locatorType,
    UriDescription: e.description,
    EndpointType: e.endpointType ?? e.locator,
  };
}

export function objectEnvelope(e: Endpoint, payload: ApiObject | undefined) {
  const response: Record<string, unknown> = responseHead(e, 'Object');
  if (payload) response[e.locator] = payload;
  return { Request: requestPart(e), Response: response, Code: 200, Message: 'Ok' };
}

export interface PageRequest {
  start: number;
  count: number;
  requestedCount: number;
}

/** Reads start/count like SmugMug: 1-based start, a default count, and a server-side cap on count. */
export function pageRequest(url: URL, defaultCount: number, maxCount: number): PageRequest {
  const start = Math.max(1, Number.parseInt(url.searchParams.get('start') ?? '1', 10) || 1);
  const asked = Number.parseInt(url.searchParams.get('count') ?? String(defaultCount), 10);
  const requestedCount = Math.min(Math.max(1, Number.isFinite(asked) ? asked : defaultCount), maxCount);
  return { start, count: requestedCount, requestedCount };
}

/**
 * A page of a list. The locator key is left out when the list is empty and NextPage is absent on
 * the last page, as SmugMug does.
 */
export function listEnvelope(e: Endpoint, all: ApiObject[], page: PageRequest) {
  const items = all.slice(page.start - 1, page.start - 1 + page.count);
  const pageUri = (start: number) => `${e.uri}?start=${start}&count=${page.count}`;
  const lastStart = all.length === 0 ? 1 : Math.floor((all.length - 1) / page.count) * page.count + 1;
  const pages: Record<string, unknown> = {
    Total: all.length,
    Start: page.start,
    Count: items.length,
    RequestedCount: page.requestedCount,
    FirstPage: pageUri(1),
    LastPage: pageUri(lastStart),
  };
  if (page.start > 1) pages.PrevPage = pageUri(Math.max(1, page.start - page.count));
  if (page.start - 1 + items.length < all.length) pages.NextPage = pageUri(page.start + items.length);
  if ((page.start - 1) % page.count !== 0) pages.Misaligned = true;
  const response: Record<string, unknown> = { ...responseHead(e, 'Objects') };
  if (items.length > 0) response[e.locator] = items;
  response.Pages = pages;
  return { Request: requestPart(e), Response: response, Code: 200, Message: 'Ok' };
}

export function errorEnvelope(code: number, message: string, method: string, uri: string) {
  return { Code: code, Message: message, Request: { Version: 'v2', Method: method, Uri: uri } };
}

/** Applies `_filter`, `_filteruri` and `_shorturis` to every object of an envelope's payload. */
export function applyResponseOptions(envelope: { Response: Record<string, unknown> }, url: URL): void {
  const filter = url.searchParams.get('_filter');
  const filterUri = url.searchParams.get('_filteruri');
  const shortUris = url.searchParams.has('_shorturis');
  if (filter === null && filterUri === null && !shortUris) return;
  const locator = envelope.Response.Locator as string;
  const payload = envelope.Response[locator];
  if (payload === undefined) return;
  const keep = filter === null ? undefined : new Set(filter.split(',').filter(Boolean));
  const keepUris = filterUri === null ? undefined : new Set(filterUri.split(',').filter(Boolean));
  const shape = (obj: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'Uris' && v && typeof v === 'object') {
        const uris: Record<string, unknown> = {};
        for (const [name, l] of Object.entries(v as Record<string, UriLink>)) {
          if (keepUris && !keepUris.has(name)) continue;
          uris[name] = shortUris ? l.Uri : l;
        }
        out.Uris = uris;
      } else if (!keep || keep.has(k) || k === 'Uri') {
        out[k] = v;
      }
    }
    return out;
  };
  envelope.Response[locator] = Array.isArray(payload) ? payload.map(shape) : shape(payload as Record<string, unknown>);
}
