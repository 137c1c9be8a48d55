import { safeReturnPath } from './login-required.filter';

describe('safeReturnPath', () => {
  it('keeps console paths', () => {
    expect(safeReturnPath('/console/accounts/12')).toBe('/console/accounts/12');
    expect(safeReturnPath('/console?q=acme')).toBe('/console?q=acme');
  });

  it('refuses anything that could leave the console (no open redirect)', () => {
    for (const bad of ['https://evil.example/console', '//evil.example', '/console\\@evil', '/consoleevil', '/api/users', '/console/login?next=x', 42, undefined]) {
      expect(safeReturnPath(bad)).toBeNull();
    }
  });
});
