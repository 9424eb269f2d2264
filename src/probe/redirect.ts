// Redirects are followed only within the same origin (scheme, host, port): a probe
// never wanders to another server.

interface Origin {
  ip: string;
  port: number;
  tls: boolean;
  hostname?: string;
}

/** The path to request next, or null when the Location leaves the origin or is unusable. */
export function sameOriginPath(
  location: string | undefined,
  origin: Origin,
  currentPath: string,
): string | null {
  if (!location) return null;
  const host = origin.hostname ?? (origin.ip.includes(':') ? `[${origin.ip}]` : origin.ip);
  const base = `${origin.tls ? 'https' : 'http'}://${host}:${origin.port}${currentPath}`;
  let url: URL;
  try {
    url = new URL(location.trim(), base);
  } catch {
    return null;
  }
  const want = new URL(base);
  if (
    url.protocol !== want.protocol ||
    url.hostname.toLowerCase() !== want.hostname.toLowerCase() ||
    url.port !== want.port
  )
    return null;
  const path = url.pathname + url.search;
  // Request-target must be plain printable ASCII (URL already percent-encodes the rest).
  return /^\/[\x21-\x7e]*$/.test(path) ? path : null;
}
