/**
 * Secrets out of what providers say. A server may echo the request's key in an error body
 * ("Incorrect API key provided: sk-…"), a client's error may quote a URL with a password in
 * it, an exec app may print its environment. Every provider is wrapped here when it is made,
 * so its answers and errors are scrubbed before anything keeps or shows them: the journal,
 * fixtures, reports, the terminal, the Action's summary and PR comment.
 * What is scrubbed, and how, is core/secrets.ts.
 */
import type { Redactor } from "../core/secrets.js";
import { ProviderError, type BatchApi, type Provider, type ProviderResponse } from "./types.js";

export { redactorFor, type Redactor } from "../core/secrets.js";

/** The same error, its message and hint scrubbed; any other error's message scrubbed in place. */
export function redactError(err: unknown, redact: Redactor): unknown {
  if (err instanceof ProviderError) return err.withText(redact.all(err.message), err.hint === undefined ? undefined : redact.all(err.hint));
  if (err instanceof Error) err.message = redact.all(err.message);
  return err;
}

/**
 * The answer scrubbed, saying where what was masked came from: the run counts and reports it,
 * and the fixture records it. An answer with nothing to mask is the provider's own object.
 */
function maskAnswer(response: ProviderResponse, redact: Redactor): ProviderResponse {
  const output = redact.values(response.output);
  return output === response.output ? response : { ...response, output, masked: redact.sources(response.output) };
}

/** The provider, its answers and errors scrubbed, a batch's as well. Everything else it carries is passed on as is. */
export function redacting<P extends Provider & { batchApi?: BatchApi }>(provider: P, redact: Redactor): P {
  const call = provider.call.bind(provider);
  const fail = (err: unknown) => Promise.reject(redactError(err, redact));
  const api = provider.batchApi;
  const batchApi: BatchApi | undefined = api && {
    submit: (items, options, tag) => api.submit(items, options, tag).catch(fail),
    find: (tag, sent, options) => api.find(tag, sent, options).catch(fail),
    describeSent: (tag, sent) => api.describeSent(tag, sent),
    check: (batchId, options) => api.check(batchId, options).catch(fail),
    results: (batchId, options) =>
      api.results(batchId, options).then((answers) => {
        for (const [id, response] of answers) answers.set(id, response instanceof ProviderError ? (redactError(response, redact) as ProviderError) : maskAnswer(response, redact));
        return answers;
      }, fail),
  };
  return {
    ...provider,
    ...(batchApi ? { batchApi } : {}),
    call: (request, options) => call(request, options).then((response) => maskAnswer(response, redact), fail),
  };
}
