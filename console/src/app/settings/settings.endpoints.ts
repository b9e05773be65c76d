// Admin API calls of the settings feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const SETTINGS_ENDPOINTS = {
  settings: 'GET /system/settings',
  system: 'GET /system',
} as const;
