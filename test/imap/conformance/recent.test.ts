// Scripted RFC checklist: \Recent (cases/recent.ts).
import { cases } from './cases/recent.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('\\Recent', cases);
