// Admin API calls of the resources feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const RESOURCES_ENDPOINTS = {
  list: 'GET /resources',
  get: 'GET /resources/{id}',
  create: 'POST /resources',
  update: 'PATCH /resources/{id}',
  remove: 'DELETE /resources/{id}',
} as const;
