/*
 * WarrenError: the one error class Warren throws, with a stable `code` from the catalogue.
 * Owns the brand that keeps `instanceof` working across duplicate installs and the code registry
 * that drivers extend. Does not own message wording: the throw site writes the message.
 */
import { redactSecrets } from '../util/redact.js';

/** Brands survive two installed copies of @warren/core, where plain prototype checks do not. */
function brandOf(className: string): symbol {
  return Symbol.for(`warren.error:${className}`);
}

/** How a code is documented and classified; every code has one entry in a catalogue. */
export interface ErrorCodeSpec {
  /** One-line meaning, also printed in docs/errors.md. */
  readonly meaning: string;
  /** How a user fixes it. */
  readonly hint: string;
  /** Whether retrying the same operation later can succeed. */
  readonly retryable: boolean;
}

const registeredCodes = new Map<string, ErrorCodeSpec>();

/** Adds a catalogue (core's, or a driver's) to the codes WarrenError knows. Codes are never redefined. */
export function registerErrorCodes(catalogue: Readonly<Record<string, ErrorCodeSpec>>): void {
  for (const [code, spec] of Object.entries(catalogue)) {
    const existing = registeredCodes.get(code);
    if (existing && existing !== spec && existing.meaning !== spec.meaning) {
      throw new Error(`error code ${code} is already registered with another meaning`);
    }
    registeredCodes.set(code, spec);
  }
}

/** Every registered code with its spec, for docs and tests. */
export function listErrorCodes(): ReadonlyMap<string, ErrorCodeSpec> {
  return registeredCodes;
}

/** Optional parts of a WarrenError besides its code and message. */
export interface WarrenErrorOptions {
  readonly cause?: unknown;
  /** Overrides the catalogue hint with one specific to this occurrence. */
  readonly hint?: string;
  /** Structured facts for logs and programmatic handling (never secrets). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An error with a stable `code`. Classify by `code` or `instanceof`, never by message text. */
export class WarrenError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, options: WarrenErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    const spec = registeredCodes.get(code);
    this.name = 'WarrenError';
    this.code = code;
    this.hint = options.hint ?? spec?.hint;
    this.retryable = spec?.retryable ?? false;
    this.details = options.details ?? {};
    // Brand every class from the concrete one up to WarrenError, so subclasses stay distinguishable.
    for (let ctor: Function | null = new.target; ctor && ctor !== Error; ctor = Object.getPrototypeOf(ctor)) {
      Object.defineProperty(this, brandOf(ctor.name), { value: true });
      if (ctor === WarrenError) break;
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brandOf(this.name)] === true;
  }
}

/** Type guard that also narrows to a given code. */
export function isWarrenError<C extends string>(value: unknown, code?: C): value is WarrenError<C> {
  return value instanceof WarrenError && (code === undefined || value.code === code);
}
