/**
 * The body of an action that takes none (approve, send, retry, accept…):
 * with the global validation refusing unknown fields, any field sent is a 400
 * naming it, as on every other endpoint. No body, or `{}`, is fine.
 */
export class NoBody {}
