// Admin API calls of the aliases feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const ALIASES_ENDPOINTS = {
  list: 'GET /aliases',
  get: 'GET /aliases/{id}',
  create: 'POST /aliases',
  update: 'PATCH /aliases/{id}',
  remove: 'DELETE /aliases/{id}',
} as const;
