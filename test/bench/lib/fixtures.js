'use strict';

/**
 * Deterministic fake customers: company accounts with one or two contacts
 * (names, emails on the company's domain, phone numbers). A seeded PRNG
 * makes every run bench exactly the same data.
 */

const FIRST = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie',
  'Olivia', 'Liam', 'Noah', 'Emma', 'Sofia', 'Lucas', 'Mateo', 'Chloe', 'Amelia', 'Hugo',
  'Ingrid', 'Yusuf', 'Priya', 'Kenji', 'Aisha', 'Lars', 'Marta', 'Tomasz', 'Fatima', 'Diego',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Okafor', 'Kowalski', 'Lindqvist', 'Tanaka', 'Schneider', 'Dubois', 'Rossi', 'Novak', 'Haddad', 'Patel',
  'Fitzgerald', 'Whitaker', 'Blackwood', 'Hartley', 'Pemberton', 'Ashworth', 'Castellano', 'Moreau', 'Van Dijk', 'Oyelaran',
];
const TRADE = [
  'Plumbing', 'Dental', 'Logistics', 'Bakery', 'Accounting', 'Legal', 'Motors', 'Printing', 'Design', 'Construction',
  'Veterinary', 'Pharmacy', 'Travel', 'Insurance', 'Optics', 'Roofing', 'Catering', 'Florist', 'Realty', 'Engineering',
  'Consulting', 'Electrics', 'Joinery', 'Architects', 'Studio', 'Clinic', 'Brewery', 'Hardware', 'Textiles', 'Imports',
];
const ADJ = [
  'Northern', 'Blue', 'Golden', 'Summit', 'Riverside', 'Coastal', 'Evergreen', 'Silver', 'Oak', 'Harbor',
  'Pioneer', 'Granite', 'Maple', 'Cedar', 'Crescent', 'Meadow', 'Atlas', 'Beacon', 'Copper', 'Lakeside',
];
const SUFFIX = ['Ltd', 'Inc', 'LLC', 'GmbH', '& Co', 'Group', 'Partners', 'Services', 'SA', ''];

/** mulberry32: tiny, fast, good enough for fake data. */
function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Faker {
  constructor(seed) {
    this.random = prng(seed);
  }

  int(min, max) {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick(list) {
    return list[Math.floor(this.random() * list.length)];
  }

  digits(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  companyName() {
    switch (this.int(0, 3)) {
      case 0: return `${this.pick(LAST)} ${this.pick(TRADE)} ${this.pick(SUFFIX)}`.trim();
      case 1: return `${this.pick(LAST)} & ${this.pick(LAST)} ${this.pick(SUFFIX)}`.trim();
      case 2: return `${this.pick(ADJ)} ${this.pick(TRADE)} ${this.pick(SUFFIX)}`.trim();
      default: return `${this.pick(ADJ)} ${this.pick(LAST)} ${this.pick(TRADE)}`;
    }
  }

  phone() {
    switch (this.int(0, 2)) {
      case 0: return `+1 (${this.digits(3)}) ${this.digits(3)}-${this.digits(4)}`;
      case 1: return `+44 20 ${this.digits(4)} ${this.digits(4)}`;
      default: return `0${this.digits(3)}.${this.digits(3)}.${this.digits(3)}`;
    }
  }

  /** One POST /api/accounts body. `n` keeps domains (hence emails) distinct between accounts. */
  account(n) {
    const name = this.companyName();
    const slug = name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '').slice(0, 24);
    const domain = `${slug}${n}.example`;
    const contacts = Array.from({ length: this.int(1, 2) }, () => {
      const first = this.pick(FIRST);
      const last = this.pick(LAST);
      const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
      const contact = { name: `${first} ${last}`, email: `${local}@${domain}` };
      if (this.random() < 0.85) contact.phone = this.phone();
      return contact;
    });
    const year = this.int(2004, 2024);
    const customerSince = `${year}-${String(this.int(1, 12)).padStart(2, '0')}-${String(this.int(1, 28)).padStart(2, '0')}`;
    return { name, customerSince, favoured: this.random() < 0.1, contacts };
  }

  /**
   * Search fragments as an agent would type them: 3–5 consecutive letters
   * out of a real account name, contact name or email of the seeded data.
   */
  fragments(accounts, count) {
    const words = [];
    for (const a of accounts) {
      words.push(...a.name.split(/\s+/));
      for (const c of a.contacts) words.push(...c.name.split(/\s+/), ...c.email.split(/[@.]/));
    }
    const letters = words.map((w) => w.toLowerCase()).filter((w) => /^[a-z]{3,}$/.test(w) && w !== 'example');
    const out = [];
    while (out.length < count) {
      const w = this.pick(letters);
      const len = Math.min(w.length, this.int(3, 5));
      const start = this.int(0, w.length - len);
      out.push(w.slice(start, start + len));
    }
    return out;
  }
}

module.exports = { Faker, prng };
