// The hex SHA-256 of a text or of bytes: the digest data files, manifests and downloads are named by.
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
