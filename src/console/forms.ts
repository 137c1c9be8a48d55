import { Response } from 'express';
import { validate } from 'class-validator';

/** A urlencoded form body as Express parses it: fields are strings, repeated fields arrays. */
export type FormBody = Record<string, unknown>;

/** Messages per field name, shown next to the field. */
export type FieldErrors = Record<string, string>;

/** One text field, trimmed; '' when it was left empty (so "required" rules can say so). */
export function text(body: FormBody, field: string): string {
  const v = body[field];
  return typeof v === 'string' ? v.trim() : '';
}

/** An optional text field: undefined when left empty. */
export function optionalText(body: FormBody, field: string): string | undefined {
  return text(body, field) || undefined;
}

/**
 * A whole-number field. Empty gives undefined; anything that is not an integer
 * gives NaN, which the DTO's @IsInt() then reports against the field.
 */
export function integer(body: FormBody, field: string): number | undefined {
  const v = text(body, field);
  if (v === '') return undefined;
  return /^[+-]?\d{1,12}$/.test(v) ? Number(v) : Number.NaN;
}

/** How many minor units make one unit of the currency (2 for USD, 0 for JPY); 2 for an unknown code. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * An amount of money typed as units ("375", "375.00", "1,200.50") in minor
 * units (cents). Empty gives undefined; anything else that is not such an
 * amount gives NaN, for the caller to report against the field.
 */
export function amount(body: FormBody, field: string, currency: string): number | undefined {
  const v = text(body, field).replace(/,/g, '');
  if (v === '') return undefined;
  const digits = currencyDigits(currency);
  const m = /^(\d{1,12})(?:\.(\d*))?$/.exec(v);
  if (!m || (m[2] ?? '').length > digits) return Number.NaN;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || '0');
}

/** Minor units back into what the amount field shows: 37500 USD → "375.00". */
export function amountInput(cents: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (cents / 10 ** digits).toFixed(digits);
}

/** A field that may be sent several times (checkbox group). */
export function list(body: FormBody, field: string): string[] {
  const v = body[field];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Validates form input with the same class-validator DTO the JSON API uses,
 * returning one readable message per field. An empty required field says
 * "<Label> is required" rather than the validator's type message.
 */
export async function validateForm<T extends object>(
  dto: new () => T,
  input: Partial<Record<keyof T, unknown>>,
  labels: Partial<Record<keyof T & string, string>> = {},
): Promise<{ value: T; errors: FieldErrors | null }> {
  const value = Object.assign(new dto(), input) as T;
  const failures = await validate(value, { whitelist: true, forbidUnknownValues: true, stopAtFirstError: true });
  if (failures.length === 0) return { value, errors: null };
  const errors: FieldErrors = {};
  for (const f of failures) {
    const field = f.property as keyof T & string;
    const label = labels[field] ?? field;
    const given = (input as Record<string, unknown>)[field];
    const message = Object.values(f.constraints ?? {})[0] ?? 'is not valid';
    errors[field] = given === undefined || given === '' ? `${label} is required` : sentence(message.replace(new RegExp(`^(each value in )?${field}\\b`), (_m, each) => (each ? `each value in ${label}` : label)));
  }
  return { value, errors };
}

function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Renders a view and waits for it, so a template error reaches Nest's
 * exception filter instead of Express's default handler.
 */
export function sendView(res: Response, view: string, model: object, status = 200): Promise<void> {
  return new Promise((resolve, reject) => {
    res.status(status).render(view, model, (err: Error | null, html?: string) => {
      if (err) return reject(err);
      res.send(html);
      resolve();
    });
  });
}

/** 422: the form was understood but its content was refused; htmx is configured to swap these in. */
export const FORM_REJECTED = 422;
