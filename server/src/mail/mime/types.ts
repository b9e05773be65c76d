// The MIME index types live in shared/ so the store (below this layer) and
// the console can use them; this file keeps the mail module's own import path.
export type * from '../../../../shared/src/schemas/message-index.ts';
