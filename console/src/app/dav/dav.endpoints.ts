// Admin API calls of the dav feature: the calendars, address books and folders
// of an account or a shared mailbox, their shares, and the owner's calendar
// delegates (checked against openapi.json by test/console/openapi-clients.test.ts).
// The two tables have the same names: DavApi picks one by the owner's kind.
export const ACCOUNT_DAV_ENDPOINTS = {
  owner: 'GET /accounts/{id}',
  collections: 'GET /accounts/{id}/collections',
  create: 'POST /accounts/{id}/collections',
  update: 'PATCH /accounts/{id}/collections/{collectionId}',
  remove: 'DELETE /accounts/{id}/collections/{collectionId}',
  shares: 'GET /accounts/{id}/collections/{collectionId}/shares',
  share: 'PUT /accounts/{id}/collections/{collectionId}/shares/{grantee}',
  unshare: 'DELETE /accounts/{id}/collections/{collectionId}/shares/{grantee}',
  delegations: 'GET /accounts/{id}/delegations',
  delegate: 'PUT /accounts/{id}/delegations/{grantee}',
  undelegate: 'DELETE /accounts/{id}/delegations/{grantee}',
} as const;

export const SHARED_MAILBOX_DAV_ENDPOINTS = {
  owner: 'GET /shared-mailboxes/{id}',
  collections: 'GET /shared-mailboxes/{id}/collections',
  create: 'POST /shared-mailboxes/{id}/collections',
  update: 'PATCH /shared-mailboxes/{id}/collections/{collectionId}',
  remove: 'DELETE /shared-mailboxes/{id}/collections/{collectionId}',
  shares: 'GET /shared-mailboxes/{id}/collections/{collectionId}/shares',
  share: 'PUT /shared-mailboxes/{id}/collections/{collectionId}/shares/{grantee}',
  unshare: 'DELETE /shared-mailboxes/{id}/collections/{collectionId}/shares/{grantee}',
  delegations: 'GET /shared-mailboxes/{id}/delegations',
  delegate: 'PUT /shared-mailboxes/{id}/delegations/{grantee}',
  undelegate: 'DELETE /shared-mailboxes/{id}/delegations/{grantee}',
} as const;
