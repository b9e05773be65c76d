// Admin API calls of the filter feature: quarantine, stored verdicts, rules,
// and the signed-in admin's own held mail (checked against openapi.json by
// test/console/openapi-clients.test.ts).
export const FILTER_ENDPOINTS = {
  quarantine: 'GET /filter/quarantine',
  held: 'GET /filter/quarantine/{id}',
  release: 'POST /filter/quarantine/{id}/release',
  remove: 'DELETE /filter/quarantine/{id}',
  /** The held message itself (message/rfc822): opened by a plain link, or read as bytes to train the classifier. */
  heldMessage: 'GET /filter/quarantine/{id}/message',
  verdicts: 'GET /filter/verdicts',
  verdict: 'GET /filter/verdicts/{id}',
  rules: 'GET /filter/rules',
  train: 'POST /filter/train',
  myQuarantine: 'GET /me/quarantine',
  myRelease: 'POST /me/quarantine/{id}/release',
  myRemove: 'DELETE /me/quarantine/{id}',
} as const;

