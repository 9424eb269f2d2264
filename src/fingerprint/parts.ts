// How an Observation's named parts are addressed by rules.

/**
 * One spelling for every header name: lower case, "_" as "-". ZGrab2 writes
 * `x_request_id`, Censys `X_Request_Id`, servers `X-Request-Id`.
 */
export function normaliseHeaderName(name: string): string {
  let out = name.toLowerCase();
  if (out.includes('_')) out = out.replaceAll('_', '-');
  return out.trim();
}

/** The banner kinds an Observation can carry. */
export const BANNER_KINDS = ['smtp', 'ehlo', 'imap', 'pop'] as const;
/** Favicon hash kinds. */
export const FAVICON_KINDS = ['mmh3', 'md5'] as const;
/** Source claims a rule can read. */
export const REPORTED_FIELDS = ['build', 'product', 'servername'] as const;
