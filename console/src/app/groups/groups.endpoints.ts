// Admin API calls of the groups feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const GROUPS_ENDPOINTS = {
  list: 'GET /groups',
  get: 'GET /groups/{id}',
  create: 'POST /groups',
  update: 'PATCH /groups/{id}',
  remove: 'DELETE /groups/{id}',
  account: 'GET /accounts/{id}',
} as const;
