import { CreateCoreTables1763776800000 } from './1763776800000-create-core-tables';

/** Every migration, oldest first. Add new ones at the end; never edit a merged one. */
export const MIGRATIONS = [CreateCoreTables1763776800000];
