import { DataSource } from 'typeorm';

/**
 * The point bank's rules, read straight from the database: for every account
 * balance = sum of entries = last balanceAfter, never negative; for every
 * ticket the sum of its entries equals the effect stored on it.
 */
export async function expectLedgerInvariants(ds: DataSource): Promise<void> {
  const balances: { account_id: number; balance: number }[] = await ds.query('SELECT account_id, balance FROM point_balances');
  for (const b of balances) {
    const entries: { delta: number; balance_after: number }[] = await ds.query(
      'SELECT delta, balance_after FROM ledger_entries WHERE account_id = ? ORDER BY id', [b.account_id],
    );
    const sum = entries.reduce((s, e) => s + Number(e.delta), 0);
    expect({ account: b.account_id, balance: Number(b.balance) }).toEqual({ account: b.account_id, balance: sum });
    expect(Number(b.balance)).toBeGreaterThanOrEqual(0);
    if (entries.length) expect(Number(entries[entries.length - 1].balance_after)).toBe(Number(b.balance));
    let running = 0;
    for (const e of entries) {
      running += Number(e.delta);
      expect(Number(e.balance_after)).toBe(running);
    }
  }
  const tickets: { id: number; charge_kind: string; charge_points: number; bonus_points: number }[] = await ds.query(
    'SELECT id, charge_kind, charge_points, bonus_points FROM tickets',
  );
  for (const t of tickets) {
    const [row] = await ds.query('SELECT COALESCE(SUM(delta), 0) AS s FROM ledger_entries WHERE ticket_id = ?', [t.id]);
    const effect = (t.charge_kind === 'points' ? -Number(t.charge_points) : 0) + Number(t.bonus_points);
    expect({ ticket: t.id, sum: Number(row.s) }).toEqual({ ticket: t.id, sum: effect });
  }
}
