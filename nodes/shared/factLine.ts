/**
 * The facts after an error's advice, in parentheses: "(HTTP 400, Concur code 5, correlation id …)".
 * Facts that do not apply (empty, false, undefined) are left out.
 */
export function factLine(facts: Array<string | false | undefined>): string {
	return `(${facts.filter(Boolean).join(', ')})`;
}
