/** The fault suite's full disk: see disk-full-scenario.ts. */
import { diskFullScenario } from './disk-full-scenario';

diskFullScenario('faults: disk full (ENOSPC)');
