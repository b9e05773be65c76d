// Admin API calls of the mail-flow feature (checked against openapi.json by test/console/openapi-clients.test.ts).
// The live trace arrives over the WebSocket GET /live (core/live.ts), not here.
export const MAIL_FLOW_ENDPOINTS = {
  queue: 'GET /queue',
  queued: 'GET /queue/{id}',
  retry: 'POST /queue/{id}/retry',
  remove: 'DELETE /queue/{id}',
  dkim: 'GET /domains/{id}/dkim',
  rotateDkim: 'POST /domains/{id}/dkim/rotate',
  settings: 'GET /system/settings',
} as const;
