// Scripted RFC checklist: CONDSTORE, QRESYNC and ESEARCH (cases/condstore-qresync-esearch.ts).
import { cases } from './cases/condstore-qresync-esearch.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('CONDSTORE, QRESYNC and ESEARCH', cases);
