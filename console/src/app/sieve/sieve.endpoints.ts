// Admin API calls of the mail-rules feature: a user's out-of-office (set by
// an admin of their domain), a domain's global Sieve script and redirect
// policy, and the signed-in admin's own rules and out-of-office (checked
// against openapi.json by test/console/openapi-clients.test.ts).
export const SIEVE_ENDPOINTS = {
  /** Only to name the account whose out-of-office is shown. */
  account: 'GET /accounts/{id}',
  accountOutOfOffice: 'GET /accounts/{id}/out-of-office',
  setAccountOutOfOffice: 'PUT /accounts/{id}/out-of-office',
  domainSieve: 'GET /domains/{id}/sieve',
  setDomainSieve: 'PUT /domains/{id}/sieve',
  myRules: 'GET /me/rules',
  setMyRules: 'PUT /me/rules',
  myOutOfOffice: 'GET /me/out-of-office',
  setMyOutOfOffice: 'PUT /me/out-of-office',
} as const;
