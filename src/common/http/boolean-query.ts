import { Transform } from 'class-transformer';

/**
 * Query-string booleans: "true"/"false" (also 1/0); empty (`?favoured=`) is
 * the same as left out. Anything else is left as is and fails @IsBoolean.
 */
export const BooleanQuery = () =>
  Transform(({ value }) => {
    if (value === '') return undefined;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return value;
  });
