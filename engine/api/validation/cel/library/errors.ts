// The error a Kubernetes CEL library function returns, in the exact words cel-go or the library
// gives (`cannot convert value to integer`, `index 1 out of range`). These are quoted as they are:
// unlike the evaluator's own messages they need no rewording to read like cel-go's.
// See https://kubernetes.io/docs/reference/using-api/cel/

export class CelLibraryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelLibraryError';
  }
}

/** Throws the library error `message`; for use in expressions (`x ?? fail('…')`). */
export function fail(message: string): never {
  throw new CelLibraryError(message);
}

/** cel-go's answer when a value reaches a function that has no overload for it. */
export const noSuchOverload = 'no such overload';
