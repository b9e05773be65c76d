// RFC 2342 / RFC 9051 §6.3.10 NAMESPACE: personal "", other users' mailboxes
// under "Other Users/", the domain's public folders under "Shared Folders/"
// (session/namespaces.ts).
import { done, type CommandSpec } from '../context.ts';
import { DELIMITER, OTHER_USERS, SHARED_FOLDERS } from '../session/namespaces.ts';

export const namespace: CommandSpec<'NAMESPACE', 'authenticated' | 'selected'> = {
  names: ['NAMESPACE'],
  states: ['authenticated', 'selected'],
  async handler(_ctx, command) {
    return done(command.tag, 'NAMESPACE completed', [{
      kind: 'namespace',
      personal: [{ prefix: '', delimiter: DELIMITER }],
      other: [{ prefix: OTHER_USERS + DELIMITER, delimiter: DELIMITER }],
      shared: [{ prefix: SHARED_FOLDERS + DELIMITER, delimiter: DELIMITER }],
    }]);
  },
};
