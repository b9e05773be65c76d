// Admin API calls of the shared-mailboxes feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const SHARED_MAILBOXES_ENDPOINTS = {
  list: 'GET /shared-mailboxes',
  get: 'GET /shared-mailboxes/{id}',
  create: 'POST /shared-mailboxes',
  update: 'PATCH /shared-mailboxes/{id}',
  remove: 'DELETE /shared-mailboxes/{id}',
  toAccount: 'POST /shared-mailboxes/{id}/convert-to-account',
  usage: 'GET /system/account-usage',
} as const;

/** Delegation grants on either kind of mailbox (a shared one, or a user's own), and what one user was given. */
export const MAILBOX_GRANTS_ENDPOINTS = {
  sharedGrants: 'GET /shared-mailboxes/{id}/grants',
  sharedGrant: 'POST /shared-mailboxes/{id}/grants',
  sharedRevoke: 'DELETE /shared-mailboxes/{id}/grants/{grantId}',
  accountGrants: 'GET /accounts/{id}/grants',
  accountGrant: 'POST /accounts/{id}/grants',
  accountRevoke: 'DELETE /accounts/{id}/grants/{grantId}',
  delegatedAccess: 'GET /accounts/{id}/delegated-access',
  toShared: 'POST /accounts/{id}/convert-to-shared',
} as const;
