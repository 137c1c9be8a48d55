import { AccountSearchIndex, IndexedAccount, IndexQuery } from './account-search-index';
import { queryWords, searchPieces } from './search-terms';

type Contact = { name: string; email: string; phone: string | null };

function account(id: number, name: string, contacts: Contact[] = [], extra: Partial<IndexedAccount> = {}): IndexedAccount {
  return { id, name, status: 'active', favoured: false, pieces: searchPieces(name, contacts), ...extra };
}

describe('AccountSearchIndex', () => {
  let index: AccountSearchIndex;
  const find = (q: string, more: Partial<IndexQuery> = {}) => index.search({ words: queryWords(q), limit: 50, offset: 0, ...more });

  beforeEach(() => {
    index = new AccountSearchIndex();
    index.put(account(1, 'Bluefin Logistics', [{ name: 'Ottilie Vance', email: 'ops@bluefin.example', phone: '+1 (555) 010-2030' }]));
    index.put(account(2, 'Greenleaf Farms', [{ name: 'Bruno Marsh', email: 'bruno@greenleaf.example', phone: null }], { favoured: true }));
    index.put(account(3, 'Société Générale', [], { status: 'closed' }));
    index.put(account(4, 'acme corp', [{ name: 'Ann Lee', email: 'ann@acme.example', phone: '555 0199' }]));
  });

  it('finds an account by part of its name, a contact name, an email or phone digits, in any case', () => {
    expect(find('EFIN').ids).toEqual([1]);
    expect(find('vance').ids).toEqual([1]);
    expect(find('ops@blue').ids).toEqual([1]);
    expect(find('(555) 010-2030').ids).toEqual([1]);
    expect(find('0102').ids).toEqual([1]);
    expect(find('marsh').ids).toEqual([2]);
  });

  it('needs every word, each within one name word, email or phone', () => {
    expect(find('bluefin logistics').ids).toEqual([1]);
    expect(find('bluefin farms').ids).toEqual([]);
    // "finlog" runs across two words of "Bluefin Logistics": no single piece holds it.
    expect(find('finlog').ids).toEqual([]);
  });

  it('ignores accents both ways', () => {
    expect(find('societe').ids).toEqual([3]);
    expect(find('GÉNÉ').ids).toEqual([3]);
    expect(find('bruño').ids).toEqual([2]);
  });

  it('matches words of one or two letters against everything', () => {
    expect(find('ac').ids).toEqual([4]);
    expect(find('e').total).toBe(4);
  });

  it('lists in name order ignoring case and accents, then by id, and pages with a total', () => {
    index.put(account(5, 'Acme Corp', []));
    expect(find('').ids).toEqual([4, 5, 1, 2, 3]);
    expect(find('corp').ids).toEqual([4, 5]);
    const page = find('', { limit: 2, offset: 2 });
    expect(page).toEqual({ ids: [1, 2], total: 5 });
    expect(find('', { limit: 2, offset: 6 })).toEqual({ ids: [], total: 5 });
  });

  it('filters by status and favoured', () => {
    expect(find('', { status: 'closed' }).ids).toEqual([3]);
    expect(find('', { status: 'active', favoured: true }).ids).toEqual([2]);
    expect(find('e', { favoured: false }).ids).toEqual([4, 1, 3]);
  });

  it('follows a changed account: the old words no longer find it, the new ones do, and it moves in the order', () => {
    index.put(account(1, 'Zephyr Freight', [{ name: 'Ottilie Vance', email: 'ops@zephyr.example', phone: null }]));
    expect(find('bluefin').ids).toEqual([]);
    expect(find('zephyr').ids).toEqual([1]);
    expect(find('0102').ids).toEqual([]);
    expect(find('').ids).toEqual([4, 2, 3, 1]);
    index.put(account(2, 'Greenleaf Farms', [], { status: 'closed' }));
    expect(find('marsh').ids).toEqual([]);
    expect(find('greenleaf', { status: 'active' }).ids).toEqual([]);
    expect(index.size).toBe(4);
    // Back to its first name: found once, though its old trigrams were never taken out of the lists.
    index.put(account(1, 'Bluefin Logistics', []));
    expect(find('bluefin')).toEqual({ ids: [1], total: 1 });
    expect(find('zephyr').ids).toEqual([]);
  });

  it('leaves the order alone when an account is put again unchanged', () => {
    const before = find('');
    index.put(account(4, 'acme corp', [{ name: 'Ann Lee', email: 'ann@acme.example', phone: '555 0199' }]));
    expect(find('')).toEqual(before);
  });

  it('treats LIKE wildcards and regex characters as plain text', () => {
    expect(find('%fin').ids).toEqual([]);
    expect(find('blue_in').ids).toEqual([]);
    expect(find('.*').ids).toEqual([]);
  });
});
