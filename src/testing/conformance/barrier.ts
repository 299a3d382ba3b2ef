/** A promise and the function that resolves it: one step of a case's choreography. */
export interface Barrier {
  readonly reached: Promise<void>;
  open(): void;
}

/** A closed {@link Barrier}: `reached` resolves once `open()` is called. */
export function barrier(): Barrier {
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (open = resolve));
  return { reached, open };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
