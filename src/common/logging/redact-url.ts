/**
 * Paths whose last part is a secret: an invitation link's token signs the
 * client in (GET shows the page, POST accepts). Matched anywhere in the URL,
 * percent-encoded too (`?next=%2Fportal%2Finvitations%2F…`), and without
 * regard to case, as Express routes it.
 */
const SECRET_PATH = /((?:\/|%2F)portal(?:\/|%2F)invitations(?:\/|%2F))(?:(?!%2F)[^/?#&\s])+/gi;

/** The URL as it may be logged: secrets in it replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]');
}
