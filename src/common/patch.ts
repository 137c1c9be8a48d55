/**
 * True when a PATCH names no field (`{}`): the services then answer with the
 * resource as it is, writing and auditing nothing.
 */
export function isEmptyPatch(patch: object): boolean {
  return Object.values(patch).every((v) => v === undefined);
}
