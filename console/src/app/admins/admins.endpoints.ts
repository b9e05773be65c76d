// Admin API calls of the administrators feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const ADMINS_ENDPOINTS = {
  list: 'GET /accounts',
  get: 'GET /accounts/{id}',
  grantRole: 'PUT /accounts/{id}/role',
  domains: 'GET /domains',
} as const;
