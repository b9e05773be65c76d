// RFC 2342 / RFC 9051 §6.3.10 NAMESPACE: personal "", other users' mailboxes
// under "Other Users/", the domain's public folders under "Shared Folders/"
// (session/namespaces.ts). Shared mailboxes opened through full access share
// "Other Users/" by default; with mail.sharedMailboxes.imapPrefix "Shared"
// they get a namespace of their own in the shared section (RFC 2342 §5:
// mailboxes meant to be shared amongst users, owned by none of them).
import { done, type CommandSpec } from '../context.ts';
import { DELIMITER, OTHER_USERS, SHARED_FOLDERS, sharedMailboxPrefix } from '../session/namespaces.ts';

export const namespace: CommandSpec<'NAMESPACE', 'authenticated' | 'selected'> = {
  names: ['NAMESPACE'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const prefix = sharedMailboxPrefix(ctx);
    const shared = [{ prefix: SHARED_FOLDERS + DELIMITER, delimiter: DELIMITER }];
    if (prefix !== OTHER_USERS) shared.push({ prefix: prefix + DELIMITER, delimiter: DELIMITER });
    return done(command.tag, 'NAMESPACE completed', [{
      kind: 'namespace',
      personal: [{ prefix: '', delimiter: DELIMITER }],
      other: [{ prefix: OTHER_USERS + DELIMITER, delimiter: DELIMITER }],
      shared,
    }]);
  },
};
