/**
 * {{var}} templates. Deliberately tiny (no logic, no helpers): a prompt is data,
 * and a variable the case does not supply is a config error, not an empty string.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;

/** The variable names a template refers to, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) names.add(m[1]!);
  return [...names];
}

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Names used by the template that `vars` does not supply. */
export function missingVariables(template: string, vars: Record<string, unknown>): string[] {
  return templateVariables(template).filter((name) => lookup(vars, name) === undefined);
}

/** Renders the template; strings are inserted as they are, other values as JSON. */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = lookup(vars, name);
    if (value === undefined) return whole;
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}
