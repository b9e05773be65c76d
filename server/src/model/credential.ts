// Console sessions and API bearer tokens as the directory hands them out.

/** Console sessions and API bearer tokens; `id` is the SHA-256 of the secret, never the secret. */
export interface ApiCredential {
  id: string;
  kind: 'session' | 'token';
  accountId: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}
