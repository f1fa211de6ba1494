/** How a problem names the place in a suite it is about: "cases[0].graders[1].type". */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? key : `.${key}`;
  return out;
}
