import request from 'supertest';
import { dbTime } from '../../src/common/database/sql';
import { TestApp, TestUser } from '../helpers/test-app';
import { makeTicket } from './index';

/*
 * Helpers for the reports tests: placing rows at known times (rows get
 * created_at = now when made through the API), and reading CSV answers as
 * the exact bytes sent.
 */

export const DAY_MS = 86_400_000;

/** Logs a ticket through the API and returns its id (throws on anything but 201). */
export async function ticketId(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await makeTicket(t, body);
  if (res.status !== 201) throw new Error(`ticket: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Reclassifies a ticket as the admin (throws on anything but 200). */
export async function classifyTicket(t: TestApp, id: string, fault: string) {
  const res = await request(t.http).post(`/api/tickets/${id}/classify`).set(t.admin.auth).send({ fault });
  if (res.status !== 200) throw new Error(`classify: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The UTC calendar day of a time, YYYY-MM-DD. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The day `n` days after `day` (negative: before), YYYY-MM-DD. */
export const addDays = (day: string, n: number): string => utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS));

/** A moment on a calendar day, UTC: at('2026-11-02', '23:59:59.999'). */
export const at = (day: string, time = '12:00:00.000'): Date => new Date(`${day}T${time}Z`);

/** The Monday (UTC) of a day's week, YYYY-MM-DD. */
export const mondayOf = (day: string): string => {
  const d = new Date(`${day}T00:00:00.000Z`);
  return addDays(day, -((d.getUTCDay() + 6) % 7));
};

/** YYYY-MM of a day. */
export const monthOf = (day: string): string => day.slice(0, 7);

/**
 * Sets a time column of some rows, as the driver stores times (a Date for
 * MariaDB, 'YYYY-MM-DD HH:MM:SS.SSS' UTC text for SQLite).
 */
export async function setTime(t: TestApp, table: string, column: string, ids: (string | number)[], when: Date): Promise<void> {
  if (ids.length === 0) throw new Error(`setTime ${table}: no ids`);
  await t.dataSource.query(
    `UPDATE ${table} SET ${column} = ? WHERE id IN (${ids.map(() => '?').join(', ')})`,
    [dbTime(t.dataSource.manager, when), ...ids.map(Number)],
  );
}

/** Moves a ticket and the ledger entries it caused to another time. */
export async function moveTicket(t: TestApp, ticketId: string, when: Date): Promise<void> {
  await setTime(t, 'tickets', 'created_at', [ticketId], when);
  await t.dataSource.query('UPDATE ledger_entries SET created_at = ? WHERE ticket_id = ?', [dbTime(t.dataSource.manager, when), Number(ticketId)]);
}

/** Moves the payments of a purchase to another time. */
export async function movePayments(t: TestApp, purchaseId: string, when: Date): Promise<void> {
  await t.dataSource.query('UPDATE purchase_payments SET created_at = ? WHERE purchase_id = ?', [dbTime(t.dataSource.manager, when), Number(purchaseId)]);
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
}

/** GETs a URL and keeps the body as the bytes sent (no decoding, so a byte-order mark stays visible). */
export async function getRaw(t: TestApp, url: string, as?: TestUser): Promise<RawAnswer> {
  const res = await request(t.http).get(url).set((as ?? t.admin).auth).buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: res.status, headers: res.headers as Record<string, string>, bytes: res.body as Buffer };
}

/** The bytes of a CSV file as a spreadsheet expects them: UTF-8 BOM, the lines as given (already quoted), CRLF after each. */
export function csvBytes(lines: string[]): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8')]);
}
