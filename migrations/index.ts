import { CreateCoreTables1763776800000 } from './1763776800000-create-core-tables';
import { AddUserSessionRevocation1763900000000 } from './1763900000000-add-user-session-revocation';
import { CreateBundlesAndNotifications1764000000000 } from './1764000000000-create-bundles-and-notifications';
import { CreatePurchasesAndInvitations1764100000000 } from './1764100000000-create-purchases-and-invitations';
import { CreateLettersAndGrantBatches1764200000000 } from './1764200000000-create-letters-and-grant-batches';
import { AddReportIndexes1764300000000 } from './1764300000000-add-report-indexes';
import { CreateReportRollups1764400000000 } from './1764400000000-create-report-rollups';
import { AddAccountChangedAt1764500000000 } from './1764500000000-add-account-changed-at';

/** Every migration, oldest first. Add new ones at the end; never edit a merged one. */
export const MIGRATIONS = [
  CreateCoreTables1763776800000,
  AddUserSessionRevocation1763900000000,
  CreateBundlesAndNotifications1764000000000,
  CreatePurchasesAndInvitations1764100000000,
  CreateLettersAndGrantBatches1764200000000,
  AddReportIndexes1764300000000,
  CreateReportRollups1764400000000,
  AddAccountChangedAt1764500000000,
];
