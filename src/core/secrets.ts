/**
 * Secrets out of text harness keeps or shows: the values of environment variables named as
 * credentials, and the passwords of URLs. Given an environment (and what the process let go of
 * but must still hide: stillSecret), a redactor.
 *
 * Answers lose only the exact secret values: they are graded, and a coding model's
 * "Authorization: Bearer <token>" is an answer, not a leak. Error text, which no one grades,
 * also loses anything shaped like a credential.
 */

/** Environment variables whose values are credentials, by the names people give them: PGPASSWORD, GITHUB_TOKEN, OPENAI_API_KEY, X_AUTH. */
const SECRET_IN_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL|PRIVATE_?KEY/i;
const SECRET_WORD_IN_NAME = /(?:^|_)(?:KEY|AUTH|PASS|PAT)(?:$|_)/i;
/** Shorter values ("1", "true", a port) are settings, and scrubbing them would garble text. */
const MIN_SECRET_LENGTH = 8;

/**
 * What of a secret's value to mask wherever it appears: the value, when long enough, and, for
 * one of several lines or words (a PEM private key, two keys on two lines), each piece of it
 * that is key material too, since an app may print it joined on one line, or only in part.
 * Not the armour: "-----BEGIN" and "KEY-----" are in every certificate an answer may quote.
 */
function maskablePieces(value: string | undefined): string[] {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return [];
  if (!/\s/.test(value)) return [value];
  return [value, ...value.split(/\s+/).filter(isKeyMaterial)];
}

/**
 * A piece of a secret of several words that is key material: 16 or more characters of the
 * alphabets keys are written in (base64's, and - and _), with letters and digits both, as a PEM
 * line or "sk-proj-…" is. Not a word of a passphrase, nor a host, address or setting that a
 * credential-named variable may list ("localhost:3000 localhost:5173"): masked wherever they
 * appear, those garbled answers and flipped verdicts. Nor the armour ("-----BEGIN"). A short
 * piece is masked only as part of the whole value.
 */
function isKeyMaterial(piece: string): boolean {
  return piece.length >= 16 && /^[A-Za-z0-9+/=_-]+$/.test(piece) && /[A-Za-z]/.test(piece) && /\d/.test(piece) && !piece.includes("-----");
}

/**
 * A value that is no secret though its name says credential: a bare origin
 * (AUTH_URL=http://localhost:3000) or a path (SSH_AUTH_SOCK). Masking those changed answers
 * ("Open ***\/login") that were then graded. A URL with anything more (a user, a password, a
 * query, a path: a token in the user, a webhook's secret path, ?access_token=) stays a secret.
 */
function isPlainLocation(value: string): boolean {
  if (/^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:[\\/])/.test(value)) return true;
  if (!URL.canParse(value) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  const url = new URL(value);
  return url.username === "" && url.password === "" && url.search === "" && url.hash === "" && (url.pathname === "" || url.pathname === "/");
}

/** The password of a URL with one, as written and decoded (a raw % is a valid password character, and no escape). */
function passwordsIn(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value) || !URL.canParse(value)) return [];
  const { password } = new URL(value);
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}

/**
 * Secrets a process let go of but must still not show: the Action deletes the runner's tokens
 * from its environment, yet a child can read them back from /proc. Every redactor masks these.
 */
const released = new Set<string>();

export function stillSecret(values: Iterable<string | undefined>): void {
  for (const v of values) for (const piece of maskablePieces(v)) released.add(piece);
}

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
  /** Where the secrets in this text come from ("$PGPASSWORD", "a URL's password"): to say what an answer lost. */
  sources(text: string): string[];
  /** Also anything shaped like a credential: for errors and hints. */
  all(text: string): string;
}

/**
 * The secrets a process with this environment holds, and one provider's own: variables named
 * as credentials, a baseURL's password, and any URL in the environment with a password in it
 * (DATABASE_URL=postgres://app:pw@db), whole and its password.
 */
export function redactorFor(env: NodeJS.ProcessEnv, own: { baseURL?: string | undefined; env?: Record<string, string> | undefined } = {}): Redactor {
  // Each secret, and where it comes from (the first place found).
  const found = new Map<string, string>();
  const add = (value: string | undefined, source: string) => {
    for (const piece of maskablePieces(value)) if (!found.has(piece)) found.set(piece, source);
  };
  const consider = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    const passwords = passwordsIn(value);
    // A URL with a password in it is a secret whole, whatever its name; its password too, where long enough.
    if (passwords.length > 0) add(value, `$${name}`);
    for (const password of passwords) add(password, `the password in $${name}`);
    if ((SECRET_IN_NAME.test(name) || SECRET_WORD_IN_NAME.test(name)) && !isPlainLocation(value)) add(value, `$${name}`);
  };
  for (const [name, value] of Object.entries(env)) consider(name, value);
  for (const [name, value] of Object.entries(own.env ?? {})) consider(name, value);
  if (own.baseURL) for (const password of passwordsIn(own.baseURL)) add(password, "the baseURL's password");
  for (const value of released) add(value, "a token the GitHub Action was given");
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...found.keys()].sort((a, b) => b.length - a.length);
  const values = (text: string): string => {
    for (const secret of secrets) if (text.includes(secret)) text = text.replaceAll(secret, "***");
    return text;
  };
  return {
    values,
    sources: (text) => [...new Set(secrets.filter((secret) => text.includes(secret)).map((secret) => found.get(secret)!))],
    all(text) {
      text = values(text);
      for (const [shape, replacement] of CREDENTIAL_SHAPES) text = text.replace(shape, replacement);
      return text;
    },
  };
}

