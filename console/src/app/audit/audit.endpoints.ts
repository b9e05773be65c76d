// Admin API calls of the audit feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const AUDIT_ENDPOINTS = {
  list: 'GET /audit',
} as const;
