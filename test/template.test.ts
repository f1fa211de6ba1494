/** {{var}} templates: which names a prompt uses, which a case lacks, and how values are inserted. */
import { describe, expect, it } from "vitest";
import { missingVariables, renderTemplate, templateVariables } from "../src/config/template.js";

describe("templateVariables", () => {
  it("lists each name once, in order of first use", () => {
    expect(templateVariables("{{b}} and {{a}} and {{b}} and {{c}}")).toEqual(["b", "a", "c"]);
  });

  it("reads dotted paths and allows white space inside the braces", () => {
    expect(templateVariables("Hi {{ user.name }}, {{\tuser.email\t}}, {{order.items.first}}")).toEqual(["user.name", "user.email", "order.items.first"]);
  });

  it("accepts underscores, digits and hyphens after the first character", () => {
    expect(templateVariables("{{_x}} {{a1}} {{ticket-id}} {{snake_case.kebab-case}}")).toEqual(["_x", "a1", "ticket-id", "snake_case.kebab-case"]);
  });

  it("ignores text that is not a placeholder", () => {
    expect(templateVariables("")).toEqual([]);
    expect(templateVariables("no placeholders { here } {x} {{}} {{ }} {{1abc}} {{a..b}} {{.a}} {{a.}} {{a b}}")).toEqual([]);
  });

  it("finds placeholders that touch other text and each other", () => {
    expect(templateVariables("x{{a}}{{b}}y")).toEqual(["a", "b"]);
  });

  it("gives the same answer when called again (no state left in the pattern)", () => {
    const t = "{{a}} {{b}}";
    expect(templateVariables(t)).toEqual(["a", "b"]);
    expect(templateVariables(t)).toEqual(["a", "b"]);
  });
});

describe("missingVariables", () => {
  it("names the variables the vars do not supply", () => {
    expect(missingVariables("{{a}} {{b}} {{c}}", { b: "x" })).toEqual(["a", "c"]);
  });

  it("is empty when every variable is supplied", () => {
    expect(missingVariables("{{a}} {{ a }} {{b.c}}", { a: 1, b: { c: 2 } })).toEqual([]);
  });

  it("follows dotted paths, and a path through a missing or non-object value is missing", () => {
    const vars = { user: { name: "Ann", tags: ["x"] }, flat: "text", nothing: null };
    expect(missingVariables("{{user.name}}", vars)).toEqual([]);
    expect(missingVariables("{{user.email}}", vars)).toEqual(["user.email"]);
    expect(missingVariables("{{flat.length}}", vars)).toEqual(["flat.length"]);
    expect(missingVariables("{{nothing.x}}", vars)).toEqual(["nothing.x"]);
    expect(missingVariables("{{ghost.name}}", vars)).toEqual(["ghost.name"]);
  });

  it("counts falsy values (null, 0, false, empty string) as supplied", () => {
    expect(missingVariables("{{a}}{{b}}{{c}}{{d}}", { a: null, b: 0, c: false, d: "" })).toEqual([]);
  });

  it("does not find inherited properties: __proto__, constructor and toString are missing", () => {
    expect(missingVariables("{{constructor}} {{toString}} {{__proto__}} {{a.constructor}}", { a: {} })).toEqual([
      "constructor",
      "toString",
      "__proto__",
      "a.constructor",
    ]);
  });
});

describe("renderTemplate", () => {
  it("inserts strings as they are", () => {
    expect(renderTemplate("Hello {{name}}!", { name: 'Ann "the" <b>' })).toBe('Hello Ann "the" <b>!');
  });

  it("inserts every use of a repeated variable", () => {
    expect(renderTemplate("{{x}}-{{x}}-{{ x }}", { x: "y" })).toBe("y-y-y");
  });

  it("resolves dotted paths and tolerates white space inside the braces", () => {
    expect(renderTemplate("{{ user.name }} <{{user.contact.email}}>", { user: { name: "Bo", contact: { email: "b@x.io" } } })).toBe("Bo <b@x.io>");
  });

  it("inserts non-string values as JSON", () => {
    const vars = { n: 42, f: 1.5, t: true, z: null, list: [1, "two"], obj: { a: 1, b: [null] } };
    expect(renderTemplate("{{n}} {{f}} {{t}} {{z}} {{list}} {{obj}}", vars)).toBe('42 1.5 true null [1,"two"] {"a":1,"b":[null]}');
  });

  it("inserts an empty string and 0 rather than treating them as missing", () => {
    expect(renderTemplate("[{{a}}][{{b}}]", { a: "", b: 0 })).toBe("[][0]");
  });

  it("leaves an unsupplied placeholder as written (the loader reports it before rendering)", () => {
    expect(renderTemplate("a {{ missing }} b", {})).toBe("a {{ missing }} b");
  });

  it("does not expand placeholders inside inserted values", () => {
    expect(renderTemplate("{{a}} {{b}}", { a: "{{b}}", b: "B" })).toBe("{{b}} B");
  });

  it("does not interpret $ patterns in values", () => {
    expect(renderTemplate("cost: {{price}}", { price: "$& $1 $$" })).toBe("cost: $& $1 $$");
  });

  it("leaves text without placeholders unchanged", () => {
    const t = "plain { text } with {single} braces and }} stray {{";
    expect(renderTemplate(t, { text: "x" })).toBe(t);
  });
});
