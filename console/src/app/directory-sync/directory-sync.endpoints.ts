// Admin API calls of the directory-sync feature: LDAP/AD connections, their
// test, syncs and history, and decisions about accounts the directory no
// longer has (checked against openapi.json by test/console/openapi-clients.test.ts).
export const DIRECTORY_SYNC_ENDPOINTS = {
  list: 'GET /directory/connections',
  get: 'GET /directory/connections/{id}',
  create: 'POST /directory/connections',
  update: 'PATCH /directory/connections/{id}',
  remove: 'DELETE /directory/connections/{id}',
  test: 'POST /directory/connections/{id}/test',
  sync: 'POST /directory/connections/{id}/sync',
  runs: 'GET /directory/connections/{id}/runs',
  resolve: 'POST /directory/accounts/{id}/resolve',
} as const;
