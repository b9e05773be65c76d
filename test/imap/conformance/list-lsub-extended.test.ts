// Scripted RFC checklist: LIST, LSUB, LIST-EXTENDED and mailbox names (cases/list-lsub-extended.ts).
import { cases } from './cases/list-lsub-extended.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('LIST, LSUB and LIST-EXTENDED', cases);
