/**
 * Secrets out of what providers say. A server may echo the request's key in an error body
 * ("Incorrect API key provided: sk-…"), a client's error may quote a URL with a password in
 * it, an exec app may print its environment. Every provider is wrapped here when it is made,
 * so its answers and errors are scrubbed before anything keeps or shows them: the journal,
 * fixtures, reports, the terminal, the Action's summary and PR comment.
 *
 * Answers lose only the exact secret values: they are graded, and a coding model's
 * "Authorization: Bearer <token>" is an answer, not a leak. Error text, which no one grades,
 * also loses anything shaped like a credential.
 */
import type { ProviderConfig } from "../config/schema.js";
import { ProviderError, type BatchApi, type Provider } from "./types.js";

/** Environment variables whose values are credentials, by the names people give them. */
const SECRET_NAME = /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(?:$|_)/i;
/** Shorter values ("1", "true", a port) are settings, and scrubbing them would garble text. */
const MIN_SECRET_LENGTH = 8;

/** Credentials in error text: a URL's user:password@, an Authorization value, a key-shaped token. */
const CREDENTIAL_SHAPES: [RegExp, string][] = [
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, "$1***@"],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/g, "$1 ***"],
  [/\b((?:x-)?api-key|authorization)(["']?\s*[:=]\s*["']?)(?!\*\*\*|Bearer\b|Basic\b)[^\s"',;}]+/gi, "$1$2***"],
  [/\bsk-[\w-]{16,}/g, "sk-***"],
];

export interface Redactor {
  /** Text with every known secret value replaced by ***: for answers. */
  values(text: string): string;
  /** Also anything shaped like a credential: for errors and hints. */
  all(text: string): string;
}

/** The secrets a provider might see or be told: credential-named variables, and a baseURL's password. */
export function redactorFor(env: NodeJS.ProcessEnv, config: ProviderConfig = {}): Redactor {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && !/\s/.test(value)) found.add(value);
  };
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) add(value);
  for (const [name, value] of Object.entries(config.env ?? {})) if (SECRET_NAME.test(name)) add(value);
  if (config.baseURL) {
    const url = URL.canParse(config.baseURL) ? new URL(config.baseURL) : undefined;
    if (url?.password) {
      add(url.password);
      add(decodeURIComponent(url.password));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...found].sort((a, b) => b.length - a.length);
  const values = (text: string): string => {
    for (const secret of secrets) if (text.includes(secret)) text = text.replaceAll(secret, "***");
    return text;
  };
  return {
    values,
    all(text) {
      text = values(text);
      for (const [shape, replacement] of CREDENTIAL_SHAPES) text = text.replace(shape, replacement);
      return text;
    },
  };
}

/** The same error, its message and hint scrubbed; any other error's message scrubbed in place. */
export function redactError(err: unknown, redact: Redactor): unknown {
  if (err instanceof ProviderError) return err.withText(redact.all(err.message), err.hint === undefined ? undefined : redact.all(err.hint));
  if (err instanceof Error) err.message = redact.all(err.message);
  return err;
}

/** The provider, its answers and errors scrubbed, a batch's as well. Everything else it carries is passed on as is. */
export function redacting<P extends Provider & { batchApi?: BatchApi }>(provider: P, redact: Redactor): P {
  const call = provider.call.bind(provider);
  const fail = (err: unknown) => Promise.reject(redactError(err, redact));
  const api = provider.batchApi;
  const batchApi: BatchApi | undefined = api && {
    submit: (items, signal) => api.submit(items, signal).catch(fail),
    check: (batchId, signal) => api.check(batchId, signal).catch(fail),
    results: (batchId, signal) =>
      api.results(batchId, signal).then((answers) => {
        for (const [id, response] of answers) answers.set(id, { ...response, output: redact.values(response.output) });
        return answers;
      }, fail),
  };
  return {
    ...provider,
    ...(batchApi ? { batchApi } : {}),
    call: (request, options) =>
      call(request, options).then((response) => {
        const output = redact.values(response.output);
        return output === response.output ? response : { ...response, output };
      }, fail),
  };
}
