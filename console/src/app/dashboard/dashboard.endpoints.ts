// Admin API calls of the dashboard (checked against openapi.json by test/console/openapi-clients.test.ts);
// live counters arrive over the WebSocket GET /live (core/live.ts).
export const DASHBOARD_ENDPOINTS = {
  system: 'GET /system',
  storage: 'GET /system/storage',
} as const;
