/** The innermost message of a failure chain (ChildWorkflowFailure → ActivityFailure → ApplicationFailure). */
export function failureMessage(err: unknown): string {
  let current = err as { message?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current?.message ?? String(err);
}
