// Every admin API call the domains feature makes, as "METHOD /path" under
// /api/v1. test/console/openapi-clients.test.ts checks each against
// /api/v1/openapi.json, so a renamed route fails a test, not a browser.
export const DOMAINS_ENDPOINTS = {
  list: 'GET /domains',
  get: 'GET /domains/{id}',
  create: 'POST /domains',
  update: 'PATCH /domains/{id}',
  remove: 'DELETE /domains/{id}',
  dns: 'GET /domains/{id}/dns',
  dkim: 'GET /domains/{id}/dkim',
  rotateDkim: 'POST /domains/{id}/dkim/rotate',
  storage: 'GET /system/storage',
} as const;
