// Every admin API call the accounts feature makes (checked against openapi.json by test/console/openapi-clients.test.ts).
export const ACCOUNTS_ENDPOINTS = {
  list: 'GET /accounts',
  get: 'GET /accounts/{id}',
  create: 'POST /accounts',
  update: 'PATCH /accounts/{id}',
  remove: 'DELETE /accounts/{id}',
  setPassword: 'PUT /accounts/{id}/password',
  grantRole: 'PUT /accounts/{id}/role',
  appPasswords: 'GET /accounts/{id}/app-passwords',
  createAppPassword: 'POST /accounts/{id}/app-passwords',
  revokeAppPassword: 'DELETE /accounts/{id}/app-passwords/{appId}',
  bulk: 'POST /accounts/bulk',
  import: 'POST /accounts/import',
  usage: 'GET /system/account-usage',
} as const;
