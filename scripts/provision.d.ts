// Types of scripts/provision.js for the TypeScript tests that use it.

/** The suites test/run.js knows, in the order it runs them. */
export const SUITES: string[];
/** A provisioning step that cannot be done here: its message names the piece and the fix. */
export class ProvisionError extends Error {}
/** Makes the machine ready for `suites`; one line per piece that is ready. */
export function provision(suites: string[]): string[];
/** provision() with its report on stderr: true when ready, false when not. */
export function provisionAndReport(suites: string[]): boolean;
