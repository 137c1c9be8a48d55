import { Transform } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { IsISO4217CurrencyCode, IsString, Length, Matches, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/**
 * Optional, but not nullable: the field may be left out, while `null` is
 * validated (and refused) like any other wrong value. class-validator's
 * @IsOptional() would let null through to a NOT NULL column.
 */
export const IsOptionalNotNull = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/** Optional and nullable: left out or null skips the other rules (null then clears the value). */
export const IsOptionalOrNull = () => ValidateIf((_: object, value: unknown) => value !== undefined && value !== null);

/** An optional query filter sent empty (`?status=`, as a form with an unset select sends it) is the same as left out. */
export const EmptyAsAbsent = () => Transform(({ value }) => (value === '' ? undefined : value));

/** Trims surrounding whitespace from strings, so "   " fails a minimum length. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A real calendar date written YYYY-MM-DD (2023-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date written YYYY-MM-DD`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const d = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
        },
      },
    });
}

/** A short machine name such as `buy5get6` or `how-to`: 1–50 lowercase letters, digits, "-" or "_". */
export const IsCode = () => applyDecorators(
  IsString(), Length(1, 50), Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: 'code must be lowercase letters, digits, "-" or "_"' }),
);

/** An ISO 4217 currency code, upper case as the standard writes it ("USD"; "usd" and "XYZ" are refused), with one message whatever is wrong. */
export function IsCurrencyCode() {
  const message = 'currency must be an ISO-4217 code such as USD';
  return applyDecorators(IsString({ message }), Matches(/^[A-Z]{3}$/, { message }), IsISO4217CurrencyCode({ message }));
}
