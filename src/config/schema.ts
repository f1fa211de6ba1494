/**
 * The suite file format: one zod schema gives the TypeScript types, the validation
 * and the published JSON Schema (schema/suite.schema.json), so they cannot drift.
 */
import { z } from "zod";
import { MAX_TRIALS } from "../defaults.js";

const text = z.string().min(1, "expected a non-empty string");

/** YAML users write `value: 42` or `value: true` unquoted; the grader compares text, so scalars become strings. */
const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const stringMatch = <T extends string>(type: T, what: string) =>
  z.strictObject({
    type: z.literal(type),
    value: scalarText.describe(what),
  });

const PROVIDER_ID_FORM = 'expected "<provider>:<model>", e.g. "openai:gpt-4o-mini", "anthropic:claude-haiku-4-5" or "exec:node app.js"';

const ProviderIdSchema = z.string().regex(/^(openai|anthropic|exec):.+$/, {
  // "foo:bar" has the form already: what is wrong is the provider.
  error: (issue) => {
    const kind = /^([^:\s]+):./.exec(String(issue.input))?.[1];
    return kind && !["openai", "anthropic", "exec"].includes(kind) ? `unknown provider "${kind}": expected openai:<model>, anthropic:<model> or exec:<command>` : PROVIDER_ID_FORM;
  },
});

/** Options a suite may give its provider. Unknown keys are errors, as everywhere. */
export const ProviderConfigSchema = z.strictObject({
  baseURL: z.url().optional().describe("An OpenAI- or Anthropic-compatible server; default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL, then the vendor's."),
  temperature: z.number().min(0).max(2).optional().describe("0 to 2 (anthropic: 0 to 1)."),
  maxTokens: z.number().int().positive().optional().describe("Maximum output tokens (Anthropic requires one; default 1024)."),
  topP: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional().describe("OpenAI only: best-effort determinism."),
  inputPricePerMTok: z.number().nonnegative().optional().describe("USD per million input tokens, for models the price table lacks; with outputPricePerMTok (both or neither)."),
  outputPricePerMTok: z.number().nonnegative().optional().describe("USD per million output tokens; with inputPricePerMTok (both or neither)."),
  cwd: z.string().optional().describe("exec only: working folder of the command, relative to the project."),
  env: z.record(z.string(), z.string()).optional().describe("exec only: extra environment variables."),
}).superRefine((config, ctx) => {
  // One price alone used to be dropped without a word, the table's (or none) priced both.
  const [given, ...rest] = (["inputPricePerMTok", "outputPricePerMTok"] as const).filter((key) => config[key] !== undefined);
  if (given !== undefined && rest.length === 0) {
    const other = given === "inputPricePerMTok" ? "outputPricePerMTok" : "inputPricePerMTok";
    ctx.addIssue({ code: "custom", path: [given], message: `${given} without ${other}: give both prices, or neither to use the built-in price table` });
  }
});

export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

/**
 * Why a temperature cannot go to this provider: the Messages API takes 0 to 1, where OpenAI
 * takes 0 to 2. Said at load rather than clamped: a suite written for 1.5 sampled at 1 measures
 * another model setting than the one it names.
 */
export function temperatureProblem(id: string, config: ProviderConfig | undefined): string | undefined {
  const t = config?.temperature;
  return id.startsWith("anthropic:") && t !== undefined && t > 1 ? `temperature ${t}: ${id} takes 0 to 1 (the Messages API refuses more)` : undefined;
}

const checkTemperature = (spec: { id: string; config?: ProviderConfig | undefined }, ctx: z.RefinementCtx) => {
  const problem = temperatureProblem(spec.id, spec.config);
  if (problem) ctx.addIssue({ code: "custom", path: ["config", "temperature"], message: problem });
};

export const ProviderSpecSchema = z.union([
  ProviderIdSchema,
  z
    .strictObject({
      id: ProviderIdSchema,
      config: ProviderConfigSchema.optional(),
    })
    .superRefine(checkTemperature),
]);

/** How the output relates to the reference, as the factuality judge classifies it. */
export const FACTUALITY_CHOICES = ["same", "subset", "superset", "style-only", "contradicts"] as const;
export type FactualityChoice = (typeof FACTUALITY_CHOICES)[number];

/** The relations a factuality grader passes: its accept:, or all but "contradicts", once each in FACTUALITY_CHOICES order. */
export function acceptedChoices(accept: readonly FactualityChoice[] | undefined): FactualityChoice[] {
  return FACTUALITY_CHOICES.filter((c) => (accept === undefined ? c !== "contradicts" : accept.includes(c)));
}

/** Whether acceptedChoices passes all but "contradicts", however accept: spells it: the question asked without one. */
export function isDefaultAccept(accepted: readonly FactualityChoice[]): boolean {
  return accepted.length === FACTUALITY_CHOICES.length - 1 && !accepted.includes("contradicts");
}

/** A judge must answer in structured output: a model, never an exec command. */
const JudgeIdSchema = z
  .string()
  .regex(/^(openai|anthropic):.+$/, 'expected a model as "<provider>:<model>", e.g. "openai:gpt-4o-mini" or "anthropic:claude-haiku-4-5"');

export const JudgeSpecSchema = z.union([JudgeIdSchema, z.strictObject({ id: JudgeIdSchema, config: ProviderConfigSchema.optional() }).superRefine(checkTemperature)]);

/** A grader that asks a model (the judge) whether the output meets `value`. */
function modelGraded<T extends string>(type: T, what: string) {
  return z.strictObject({
    type: z.literal(type),
    value: text.describe(what),
    judge: JudgeSpecSchema.optional().describe("The judge for this grader; default: --judge, then the suite's judge:."),
    votes: z
      .number()
      .int()
      .min(1)
      .max(15)
      .refine((n) => n % 2 === 1, "expected an odd number, so that there is always a majority")
      .optional()
      .describe("Ask the judge this many (odd) times and take the majority (default 1)."),
  });
}

/** Every grader. The `not-` forms invert the check. */
export const GraderSpecSchema = z.discriminatedUnion("type", [
  stringMatch("equals", "The output must equal this, after trimming surrounding white space."),
  stringMatch("not-equals", "The output must not equal this."),
  stringMatch("contains", "The output must contain this text (case-sensitive)."),
  stringMatch("not-contains", "The output must not contain this text (case-sensitive)."),
  stringMatch("icontains", "The output must contain this text, ignoring case."),
  stringMatch("not-icontains", "The output must not contain this text, ignoring case."),
  stringMatch("starts-with", "The output must start with this, after trimming leading white space."),
  stringMatch("not-starts-with", "The output must not start with this."),
  z.strictObject({
    type: z.literal("regex"),
    value: text.describe("A JavaScript regular expression the output must match."),
    flags: z.string().regex(/^[dgimsuvy]*$/, "expected regex flags from d, g, i, m, s, u, v, y").optional(),
  }),
  z.strictObject({
    type: z.literal("not-regex"),
    value: text.describe("A JavaScript regular expression the output must not match."),
    flags: z.string().regex(/^[dgimsuvy]*$/, "expected regex flags from d, g, i, m, s, u, v, y").optional(),
  }),
  z.strictObject({ type: z.literal("is-json") }),
  z.strictObject({
    type: z.literal("json-schema"),
    schema: z.record(z.string(), z.unknown()).describe("A JSON Schema (draft 2020-12 or 07) the output, parsed as JSON, must satisfy."),
  }),
  z.strictObject({
    type: z.literal("javascript"),
    file: text.describe("Path of a module, relative to the suite file, whose export grades the output. It runs your own code."),
    export: text.optional().describe('Name of the exported function (default: "default").'),
    config: z.unknown().optional().describe("Passed to the function as context.config."),
  }),
  z.strictObject({
    type: z.literal("max-latency-ms"),
    value: z.number().positive().describe("The call must take at most this many milliseconds."),
  }),
  z.strictObject({
    type: z.literal("max-cost"),
    value: z.number().nonnegative().describe("The call must cost at most this many US dollars."),
  }),
  z.strictObject({
    type: z.literal("human"),
    instructions: text.describe("What the reviewer checks. Until a person gives a verdict (harness review), the trial is pending."),
  }),
  modelGraded("rubric", "The rubric the output must meet, in plain words."),
  modelGraded("closed-qa", "The criterion the answer must meet, besides answering the question (the case's prompt)."),
  modelGraded("factuality", "The reference answer the output must agree with.").extend({
    accept: z
      .array(z.enum(FACTUALITY_CHOICES))
      .min(1)
      .optional()
      .describe('Which relations to the reference pass (default: all but "contradicts").'),
  }),
]);

export type GraderSpec = z.infer<typeof GraderSpecSchema>;
export type ProviderSpec = z.infer<typeof ProviderSpecSchema>;

/** The graders that ask a judge model. */
export type ModelGradedSpec = Extract<GraderSpec, { type: "rubric" | "closed-qa" | "factuality" }>;

export function isModelGraded(g: GraderSpec): g is ModelGradedSpec {
  return g.type === "rubric" || g.type === "closed-qa" || g.type === "factuality";
}
export type GraderType = GraderSpec["type"];

export const GRADER_TYPES: readonly GraderType[] = GraderSpecSchema.options.map((o) => o.shape.type.value);

export const MessageSchema = z.strictObject({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});

export const ThresholdSchema = z
  .strictObject({
    passAtK: z.number().min(0).max(1).optional().describe("Fail the gate when the suite's mean pass@k is below this."),
    passHatK: z.number().min(0).max(1).optional().describe("Fail the gate when the suite's mean pass^k is below this."),
    passRate: z.number().min(0).max(1).optional().describe("Fail the gate when the share of passing trials is below this."),
  })
  .describe("Absolute floors, checked on every run, baseline or not.");

export type ThresholdSpec = z.infer<typeof ThresholdSchema>;

const VarsSchema = z.record(z.string(), z.unknown());

export const CaseSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected an id of letters, digits, '.', '_' or '-'")
    .describe("Unique within the suite; the baseline keys on it."),
  description: z.string().optional().describe("Which real failure this case guards, e.g. the ticket it came from."),
  vars: VarsSchema.optional().describe("Values for the prompt's {{var}} placeholders."),
  prompt: z.string().optional().describe("Overrides the suite's prompt for this case."),
  messages: z.array(MessageSchema).min(1).optional().describe("Overrides the suite's messages for this case."),
  graders: z.array(GraderSpecSchema).optional().describe("Graders for this case, applied after the suite's."),
});

export const SuiteFileSchema = z.strictObject({
  $schema: z.string().optional(),
  // A suite's name keys the baseline, where "__proto__" would be JavaScript's prototype, not a suite.
  name: text.refine((n) => n !== "__proto__", '"__proto__" is reserved; give the suite another name').optional().describe("Default: the file name."),
  description: z.string().optional(),
  provider: ProviderSpecSchema.optional().describe("The default target; -p/--provider overrides it."),
  judge: JudgeSpecSchema.optional().describe("The model that grades rubric, closed-qa and factuality graders; --judge overrides it."),
  prompt: z
    .string()
    .optional()
    .describe("A {{var}} template, or file://path relative to the suite file. Use either prompt or messages."),
  messages: z.array(MessageSchema).min(1).optional().describe("A chat: role/content pairs, each a {{var}} template."),
  vars: VarsSchema.optional().describe("Defaults for every case's vars."),
  trials: z.number().int().min(1).max(MAX_TRIALS).optional().describe("Trials per case (default 5); -k/--trials overrides."),
  graders: z.array(GraderSpecSchema).optional().describe("Graders applied to every case."),
  threshold: ThresholdSchema.optional(),
  cases: z.array(CaseSchema).min(1, "expected at least one case"),
});

export type SuiteFile = z.infer<typeof SuiteFileSchema>;
export type CaseSpec = z.infer<typeof CaseSchema>;

/** Every key any object in a suite file may have, for "did you mean" on unknown keys. */
export const KNOWN_KEYS: readonly string[] = [
  ...new Set([
    ...Object.keys(SuiteFileSchema.shape),
    ...Object.keys(CaseSchema.shape),
    ...Object.keys(ThresholdSchema.shape),
    ...Object.keys(MessageSchema.shape),
    ...Object.keys(ProviderConfigSchema.shape),
    ...GraderSpecSchema.options.flatMap((o) => Object.keys(o.shape)),
    "id",
  ]),
];
