// Admin API calls of the console's frame: the session it signs in with (checked
// against openapi.json by test/console/openapi-clients.test.ts like every feature's).
export const SESSION_ENDPOINTS = {
  current: 'GET /session',
  signIn: 'POST /session',
  signOut: 'DELETE /session',
} as const;
