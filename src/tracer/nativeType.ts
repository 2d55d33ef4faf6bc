/**
 * A type for async resources that come without one: a native addon's async work made with no
 * resource name (napi-rs does this) reaches async_hooks as the type "undefined" (or "null"),
 * the name converted to a string. Such work runs on the libuv threadpool; the trace calls it
 * NAPI, with the class of the resource object the addon gave (napi-rs gives its promise).
 */

/** True for a type string that is a missing name converted to a string. */
export function isUnnamedType(type: string): boolean {
  return type === 'undefined' || type === 'null';
}

/** The type recorded for an unnamed resource: `NAPI`, with the resource's class if it has one. */
export function unnamedResourceType(resource: unknown): string {
  let className: unknown;
  try {
    className = (resource as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  } catch {
    // A hostile getter: the class stays unknown.
  }
  return typeof className === 'string' && className && className !== 'Object'
    ? `NAPI (${className.slice(0, 64)})`
    : 'NAPI';
}
