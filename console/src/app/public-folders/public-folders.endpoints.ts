// Admin API calls of the public-folders feature (checked against openapi.json by test/console/openapi-clients.test.ts).
export const PUBLIC_FOLDERS_ENDPOINTS = {
  list: 'GET /domains/{id}/public-folders',
  create: 'POST /domains/{id}/public-folders',
  rename: 'PATCH /domains/{id}/public-folders/{folderId}',
  remove: 'DELETE /domains/{id}/public-folders/{folderId}',
  acl: 'GET /domains/{id}/public-folders/{folderId}/acl',
  grant: 'PUT /domains/{id}/public-folders/{folderId}/acl/{grantee}',
  revoke: 'DELETE /domains/{id}/public-folders/{folderId}/acl/{grantee}',
  setAddress: 'PUT /domains/{id}/public-folders/{folderId}/address',
  removeAddress: 'DELETE /domains/{id}/public-folders/{folderId}/address',
} as const;
